import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** What the admin app reads at `/config.json`, next to its index.html (admin/ reads these keys). */
export interface AdminAppConfig {
  /** The OpenID Connect issuer (for Cognito: `https://cognito-idp.<region>.amazonaws.com/<poolId>`). */
  authority: string;
  clientId: string;
  apiBaseUrl: string;
}

export interface AdminHostingProps {
  /** The built app (`admin/dist`); it must hold an index.html. */
  assetPath: string;
  /** Origins the app's scripts may call, besides its own (Content-Security-Policy `connect-src`). */
  connectOrigins: readonly string[];
  /** A custom domain and its certificate (us-east-1); without them, the `*.cloudfront.net` name. */
  customDomain?: { domainName: string; certificateArn: string };
}

/** A missing build is a failed synth, not a deployment of nothing (DESIGN.md, Admin app in AWS). */
export class AdminAppNotBuiltError extends Error {
  readonly code = 'ADMIN_APP_NOT_BUILT';
  constructor(assetPath: string) {
    super(
      `The admin app is not built: ${join(assetPath, 'index.html')} does not exist. Run \`npm run build:admin\` ` +
        '(`npm run synth` does it first), or point context `adminAppAssetPath` at a build.',
    );
    this.name = 'AdminAppNotBuiltError';
  }
}

/**
 * The admin app in AWS: a private bucket that only this distribution may read (Origin Access
 * Control), HTTPS only, security headers on every response, the SPA's routes answered by its
 * index.html, and a deployment of the build with the `config.json` of this stack.
 */
export class AdminHosting extends Construct {
  readonly distribution: Distribution;
  /** `https://<domain>`, with no trailing slash: what CORS and the callback URLs name. */
  readonly origin: string;
  private readonly bucket: IBucket;
  private readonly assetPath: string;

  constructor(scope: Construct, id: string, props: AdminHostingProps) {
    super(scope, id);
    if (!existsSync(join(props.assetPath, 'index.html'))) throw new AdminAppNotBuiltError(props.assetPath);
    this.assetPath = props.assetPath;

    // (`as IBucket`: a `Bucket` is one; only `exactOptionalPropertyTypes` disagrees.)
    // Both buckets' and the distribution's access logs. CloudFront's standard logs are written with
    // an ACL (log delivery owns nothing here), so this one bucket keeps ACLs, none of them public.
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    }) as IBucket;
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access log bucket itself (of the site bucket and the distribution); logging its own access would need another bucket, and so on.',
    });

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      // Every file comes from the build; nothing is lost with the bucket.
      removalPolicy: RemovalPolicy.RETAIN,
    }) as IBucket;

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Admin app: HSTS, CSP, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        // The callback URL carries the authorization code; no other origin is told it.
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.connectOrigins),
          override: true,
        },
      },
    });

    const certificate = props.customDomain
      ? Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn)
      : undefined;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Purchase service admin app',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      defaultRootObject: 'index.html',
      // The app's routes (/customers/…, /callback) are not files: S3 answers 403 (OAC may not list)
      // or 404, and the app's index.html answers instead, as a 200, so the router takes over.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...(props.customDomain && certificate
        ? {
            domainNames: [props.customDomain.domainName],
            certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    this.origin = `https://${props.customDomain?.domainName ?? this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: customer service reps may work from anywhere; every page needs a Cognito sign-in with MFA, and the API enforces every role.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF on the static app: it serves public build files and holds no data; a CloudFront web ACL must live in us-east-1 (another stack) and costs per month. WAF in front of the API is the listed follow-up (DESIGN.md, Left aside).',
    });
    if (!props.customDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          "The default *.cloudfront.net certificate's security policy is fixed by CloudFront (TLSv1); with context adminAppDomainName and adminAppCertificateArn the distribution requires TLSv1.2_2021.",
      });
    }
  }

  /** The build, then the stack's `config.json` (after the build, so a file of that name in it loses). */
  deploy(config: AdminAppConfig): BucketDeployment {
    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role, allowed its own log group (not the managed AWSLambdaBasicExecutionRole).
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(role);
    const deployment = new BucketDeployment(this, 'Deployment', {
      sources: [Source.asset(this.assetPath), Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      // Files of an older build are removed.
      prune: true,
      // Browsers and CloudFront revalidate every file (an ETag round trip; CloudFront keeps an
      // object for the cache policy's minimum TTL, 1 s), so a new build and config are served at
      // once without an invalidation, whose permission has no resource (cloudfront:* on `*`).
      cacheControl: [CacheControl.noCache()],
      role,
      logGroup,
      memoryLimit: 512,
    });

    // BucketDeployment's own grants, each finding as cdk-nag names it: read the CDK asset objects
    // and write and delete this site bucket's objects.
    const siteBucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      // The default synthesizer's asset bucket (qualifier hnb659fds).
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
      `Resource::<${siteBucketId}.Arn>/*`,
    ]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          "BucketDeployment's grants: read its asset (s3:GetObject*, s3:GetBucket*, s3:List* on the CDK asset bucket's objects), then copy it into this site bucket and delete what the build no longer has (its objects, bucket/*); the wildcards are action groups and object keys of those two buckets only.",
      });
    }
    // Its provider function is a singleton of the stack, which BucketDeployment names and builds.
    const provider = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "BucketDeployment's provider function: aws-cdk-lib chooses its runtime (Python, with its AWS CLI layer) and moves it with the library's releases; it runs only while deploying, never on a request.",
      });
    }
    return deployment;
  }
}

/**
 * Only the app's own files, plus the API and the issuer for its requests. Styles allow inline
 * (`'unsafe-inline'`): the component library (styled-components, and React's `style` attributes)
 * injects them at run time, and a static site has no per-response nonce. Scripts do not.
 */
function contentSecurityPolicy(connectOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectOrigins.join(' ')}`,
    "manifest-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
