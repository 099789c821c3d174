import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { type App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AdminAppNotBuiltError, AdminHosting } from '../../infra/admin-hosting.ts';
import { logicalIdOf, type Statement, synthesize, TEST_CONTEXT } from './synth.ts';

let template: Template;
let outdir: string;
let siteBucketId: string;
let distributionId: string;

interface Resource {
  Properties: Record<string, unknown>;
}
const propertiesOf = (type: string, logicalId: string): Record<string, unknown> =>
  (template.findResources(type)[logicalId] as Resource).Properties;

/** A CloudFormation string (a literal or an `Fn::Join`) as text, each reference as `{Ref}`/`{Id.Attr}`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(text).join(separator);
  }
  if ('Ref' in node) return `{${String(node.Ref)}}`;
  if ('Fn::GetAtt' in node) return `{${(node['Fn::GetAtt'] as string[]).join('.')}}`;
  throw new Error(`not a string: ${JSON.stringify(value)}`);
}

beforeAll(() => {
  const synthesized = synthesize();
  template = synthesized.template;
  outdir = (synthesized.stack.node.root as App).outdir;
  siteBucketId = logicalIdOf(template, 'AWS::S3::Bucket', 'AdminAppSite');
  distributionId = logicalIdOf(template, 'AWS::CloudFront::Distribution', 'AdminAppDistribution');
});

const distributionOrigin = (): string => `https://{${distributionId}.DomainName}`;

describe('admin app bucket', () => {
  it('is private: every public access blocked, no ACLs, encrypted, its access logged', () => {
    const bucket = propertiesOf('AWS::S3::Bucket', siteBucketId);

    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.AccessControl).toBeUndefined();
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalIdOf(template, 'AWS::S3::Bucket', 'AdminAppAccessLogs') },
      LogFilePrefix: 'site/',
    });
  });

  it("lets only CloudFront read it, for this distribution's ARN, and refuses requests without TLS", () => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy') as Record<string, Resource>)
      .map(
        (resource) => resource.Properties as { Bucket: unknown; PolicyDocument: { Statement: Statement[] } },
      )
      .find((properties) => JSON.stringify(properties.Bucket) === JSON.stringify({ Ref: siteBucketId }));
    const statements = (policy?.PolicyDocument.Statement ?? []) as (Statement & { Principal: unknown })[];
    const allows = statements.filter((statement) => statement.Effect === 'Allow');

    expect(allows).toHaveLength(1);
    expect(allows[0]?.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allows[0]?.Action).toBe('s3:GetObject');
    expect(text(allows[0]?.Resource)).toBe(`{${siteBucketId}.Arn}/*`);
    expect(text(allows[0]?.Condition?.StringEquals?.['AWS:SourceArn'])).toBe(
      `arn:{AWS::Partition}:cloudfront::{AWS::AccountId}:distribution/{${distributionId}}`,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });
});

describe('admin app distribution', () => {
  const config = (): Record<string, unknown> =>
    propertiesOf('AWS::CloudFront::Distribution', distributionId).DistributionConfig as Record<
      string,
      unknown
    >;

  it('reads the bucket through Origin Access Control (SigV4), not an origin access identity', () => {
    const oacId = logicalIdOf(template, 'AWS::CloudFront::OriginAccessControl', 'AdminAppDistribution');

    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
    expect(config().Origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::GetAtt': [siteBucketId, 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
    ]);
  });

  it('redirects HTTP to HTTPS, serves index.html at the root, and only GET and HEAD', () => {
    expect(config()).toEqual(
      expect.objectContaining({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: expect.objectContaining({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
        }),
      }),
    );
  });

  it("answers the app's routes (S3's 403 and 404) with index.html and a 200, uncached", () => {
    expect(config().CustomErrorResponses).toEqual(
      [403, 404].map((code) => ({
        ErrorCode: code,
        ResponseCode: 200,
        ResponsePagePath: '/index.html',
        ErrorCachingMinTTL: 0,
      })),
    );
  });

  it('logs its requests to the log bucket', () => {
    expect(config().Logging).toEqual({
      Bucket: {
        'Fn::GetAtt': [logicalIdOf(template, 'AWS::S3::Bucket', 'AdminAppAccessLogs'), 'RegionalDomainName'],
      },
      Prefix: 'cloudfront/',
    });
  });

  it('adds HSTS, nosniff, frame DENY, no referrer and the Content-Security-Policy to every response', () => {
    const policyId = logicalIdOf(
      template,
      'AWS::CloudFront::ResponseHeadersPolicy',
      'AdminAppSecurityHeaders',
    );
    const headers = (
      propertiesOf('AWS::CloudFront::ResponseHeadersPolicy', policyId).ResponseHeadersPolicyConfig as {
        SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      }
    ).SecurityHeadersConfig;

    expect((config().DefaultCacheBehavior as Record<string, unknown>).ResponseHeadersPolicyId).toEqual({
      Ref: policyId,
    });
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63_072_000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.ContentSecurityPolicy?.Override).toBe(true);
  });

  it("lets the app's scripts connect only to itself, the region's APIs, the issuer and the pool's hosted endpoints", () => {
    const policyId = logicalIdOf(
      template,
      'AWS::CloudFront::ResponseHeadersPolicy',
      'AdminAppSecurityHeaders',
    );
    const csp = text(
      (
        propertiesOf('AWS::CloudFront::ResponseHeadersPolicy', policyId).ResponseHeadersPolicyConfig as {
          SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
        }
      ).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy,
    );
    const directives = new Map(
      csp.split('; ').map((directive) => {
        const [name = '', ...sources] = directive.split(' ');
        return [name, sources];
      }),
    );
    const domain = propertiesOf(
      'AWS::Cognito::UserPoolDomain',
      logicalIdOf(template, 'AWS::Cognito::UserPoolDomain', 'AuthUserPoolDomain'),
    ).Domain;

    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual([
      "'self'",
      'https://*.execute-api.{AWS::Region}.{AWS::URLSuffix}',
      'https://cognito-idp.{AWS::Region}.{AWS::URLSuffix}',
      `https://${text(domain)}.auth.{AWS::Region}.amazoncognito.com`,
    ]);
  });
});

describe('admin app deployment', () => {
  interface DeploymentProperties {
    SourceObjectKeys: string[];
    SourceMarkers: Record<string, unknown>[];
    DestinationBucketName: unknown;
    Prune: boolean;
    SystemMetadata: Record<string, string>;
  }
  const deployment = (): DeploymentProperties => {
    const [resource] = Object.values(template.findResources('Custom::CDKBucketDeployment')) as {
      Properties: DeploymentProperties;
    }[];
    if (!resource) throw new Error('no BucketDeployment');
    return resource.Properties;
  };

  it('copies the build into the site bucket, removing what the build no longer has', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    const properties = deployment();

    expect(properties.DestinationBucketName).toEqual({ Ref: siteBucketId });
    expect(properties.Prune).toBe(true);
    expect(properties.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    const [build] = properties.SourceObjectKeys;
    const staged = join(outdir, `asset.${build?.replace(/\.zip$/, '')}`, 'index.html');
    expect(readFileSync(staged, 'utf8')).toBe(
      readFileSync(join(TEST_CONTEXT.adminAppAssetPath, 'index.html'), 'utf8'),
    );
  });

  it("writes config.json last, with the pool's issuer, the admin app client id and the API URL", () => {
    const properties = deployment();
    const [, configKey] = properties.SourceObjectKeys;
    const markers = properties.SourceMarkers[1] ?? {};
    const raw = readFileSync(
      join(outdir, `asset.${configKey?.replace(/\.zip$/, '')}`, 'config.json'),
      'utf8',
    );
    // The deployment replaces each marker with its value, resolved at deploy time.
    const config = JSON.parse(raw, (_key, value: unknown) =>
      typeof value === 'string' && value in markers ? markers[value] : value,
    ) as Record<string, unknown>;

    expect(properties.SourceObjectKeys).toHaveLength(2);
    expect(config).toEqual({
      authority: {
        'Fn::GetAtt': [logicalIdOf(template, 'AWS::Cognito::UserPool', 'AuthUserPool'), 'ProviderURL'],
      },
      clientId: { Ref: logicalIdOf(template, 'AWS::Cognito::UserPoolClient', 'AuthUserPoolAdminAppClient') },
      apiBaseUrl: {
        'Fn::GetAtt': [logicalIdOf(template, 'AWS::ApiGatewayV2::Api', 'ApiHttpApi'), 'ApiEndpoint'],
      },
    });
  });
});

describe('admin app sign-in and CORS', () => {
  it("sends the admin app client back to the distribution's /callback, and to / after sign-out", () => {
    const client = propertiesOf(
      'AWS::Cognito::UserPoolClient',
      logicalIdOf(template, 'AWS::Cognito::UserPoolClient', 'AuthUserPoolAdminAppClient'),
    ) as { CallbackURLs: unknown[]; LogoutURLs: unknown[] };

    expect(client.CallbackURLs.map(text)).toEqual([`${distributionOrigin()}/callback`]);
    expect(client.LogoutURLs.map(text)).toEqual([`${distributionOrigin()}/`]);
  });

  it("allows browsers to call the API from the distribution's origin only", () => {
    const api = propertiesOf(
      'AWS::ApiGatewayV2::Api',
      logicalIdOf(template, 'AWS::ApiGatewayV2::Api', 'ApiHttpApi'),
    );

    expect((api.CorsConfiguration as { AllowOrigins: unknown[] }).AllowOrigins.map(text)).toEqual([
      distributionOrigin(),
    ]);
  });

  it('outputs the URL to open', () => {
    template.hasOutput('AdminAppUrl', { Value: Match.anyValue() });
    expect(text(template.findOutputs('AdminAppUrl').AdminAppUrl?.Value)).toBe(`${distributionOrigin()}/`);
  });
});

describe('AdminHosting on its own', () => {
  const hostingIn = (props: Partial<ConstructorParameters<typeof AdminHosting>[2]>): Template => {
    const stack = new Stack();
    new AdminHosting(stack, 'AdminApp', {
      assetPath: TEST_CONTEXT.adminAppAssetPath,
      connectOrigins: ['https://api.example.com'],
      ...props,
    });
    return Template.fromStack(stack);
  };

  it('serves a custom domain with its certificate, and TLS 1.2 at least, when given one', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';
    const withDomain = hostingIn({ customDomain: { domainName: 'admin.example.com', certificateArn } });

    withDomain.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['admin.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: certificateArn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
  });

  it('refuses to synthesize without a build, and says what to run', () => {
    const missing = join(TEST_CONTEXT.adminAppAssetPath, 'no-such-build');

    expect(() => hostingIn({ assetPath: missing })).toThrow(AdminAppNotBuiltError);
    expect(() => hostingIn({ assetPath: missing })).toThrow(/npm run build:admin/);
  });
});
