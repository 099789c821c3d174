import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  CORS_ALLOW_CREDENTIALS,
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from '../functions/cors.ts';
import { answersHead, type RouteDeclaration } from '../functions/routes.ts';

export interface PurchaseHttpApiProps {
  /** The token issuer the JWT authorizer trusts (`iss`). */
  issuer: string;
  /** Client ids a token may be for (`aud`, or `client_id` in Cognito access tokens). */
  audiences: string[];
  /** The only origins browsers may call the API from: the admin app's. */
  adminAppOrigins: readonly string[];
  /** The stage's steady rate (requests per second) and burst, shared by every caller. */
  throttle: { rateLimit: number; burstLimit: number };
}

/**
 * The HTTP API: one route per declared route, a JWT authorizer on each that is not `public`, CORS
 * for the admin app's origin only, a stage throttle, and JSON access logs.
 */
export class PurchaseHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  private readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: PurchaseHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'HttpApi', {
      description: 'Purchase service public API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...props.adminAppOrigins],
        // Declared once (functions/cors.ts): the local API Gateway stand-in answers the same.
        allowHeaders: [...CORS_ALLOW_HEADERS],
        allowMethods: CORS_ALLOW_METHODS.map((method) => CorsHttpMethod[method]),
        exposeHeaders: [...CORS_EXPOSE_HEADERS],
        allowCredentials: CORS_ALLOW_CREDENTIALS,
        maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
      },
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Per stage (and so per route), not per caller: see DESIGN.md, Authentication in AWS.
      throttle: props.throttle,
      // Per-route metrics (Count, 5xx, Latency by Method and Resource): the p99 alarm of the purchase.
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            status: '$context.status',
            sourceIp: '$context.identity.sourceIp',
            // Who called (the token's subject and client), and why the authorizer refused if it did.
            sub: '$context.authorizer.claims.sub',
            clientId: '$context.authorizer.claims.client_id',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            responseLength: '$context.responseLength',
          }),
        ),
      },
    });

    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.issuer, { jwtAudience: props.audiences });
  }

  /**
   * The route as declared, its authorizer chosen by its `access`; and its HEAD beside it if it
   * answers one (`answersHead`): API Gateway matches HEAD to no GET route, so without it a HEAD
   * fell to the authorized `$default` route.
   */
  addRoute(route: RouteDeclaration, handler: IFunction): void {
    const integration = new HttpLambdaIntegration(`${route.operationId}Integration`, handler);
    const methods = answersHead(route) ? [route.method, 'HEAD' as const] : [route.method];
    for (const method of methods) {
      const isPublic = route.access === 'public';
      const httpRoute = this.route(
        method === 'HEAD' ? `${route.operationId}HeadRoute` : `${route.operationId}Route`,
        route.path === '$default' ? HttpRouteKey.DEFAULT : HttpRouteKey.with(route.path, HttpMethod[method]),
        integration,
        isPublic ? new HttpNoneAuthorizer() : this.authorizer,
      );
      if (isPublic) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${method} ${route.path} is public by the contract (health for monitors, the API's description and its page for readers); it changes nothing and tells nothing about any customer.`,
        });
      }
    }
  }

  /**
   * CORS preflights (`OPTIONS`, which never carry a token) would otherwise reach the authorized
   * `$default` route and be refused; this unauthorized route takes them first.
   */
  addPreflightRoute(handler: IFunction): void {
    const httpRoute = this.route(
      'CorsPreflightRoute',
      HttpRouteKey.with('/{proxy+}', HttpMethod.OPTIONS),
      new HttpLambdaIntegration('CorsPreflightIntegration', handler),
      new HttpNoneAuthorizer(),
    );
    Validations.of(httpRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'CORS preflight: browsers send OPTIONS without the Authorization header, so it cannot be authorized; its function answers an empty 204 and touches no data.',
    });
  }

  private route(
    id: string,
    routeKey: HttpRouteKey,
    integration: HttpLambdaIntegration,
    authorizer: IHttpRouteAuthorizer,
  ): HttpRoute {
    return new HttpRoute(this, id, { httpApi: this.api, routeKey, integration, authorizer });
  }
}
