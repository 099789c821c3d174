import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { RESOURCE_SERVER_ID, ROLES, roleScope, rolesOf } from '../../functions/auth/roles.ts';
import { answersHead, ROUTES, type RouteDeclaration } from '../../functions/routes.ts';
import { AUDIT_PROJECTOR, RESERVATION_SWEEPER, SAGA_TASKS } from '../../functions/workers.ts';
import { functionNamed, logicalIdOf, synthesize } from './synth.ts';

const ADMIN_APP = 'https://admin.example.com';
const CONTEXT = {
  adminAppOrigin: ADMIN_APP,
  adminAppCallbackUrls: `${ADMIN_APP}/auth/callback,${ADMIN_APP}/auth/silent`,
  adminAppLogoutUrls: [`${ADMIN_APP}/signed-out`],
  apiRateLimit: 20,
  apiBurstLimit: 40,
};

let template: Template;
/** The same stack without any context: the local defaults. */
let byDefault: Template;
let userPoolId: string;
let adminClientId: string;
let storefrontClientId: string;

interface ClientProperties {
  GenerateSecret?: boolean;
  AllowedOAuthFlows: string[];
  AllowedOAuthScopes: string[];
  CallbackURLs?: string[];
  LogoutURLs?: string[];
}
const clientProperties = (from: Template, logicalId: string): ClientProperties =>
  (from.findResources('AWS::Cognito::UserPoolClient')[logicalId] as { Properties: ClientProperties })
    .Properties;

beforeAll(() => {
  ({ template } = synthesize(CONTEXT));
  ({ template: byDefault } = synthesize());
  userPoolId = logicalIdOf(template, 'AWS::Cognito::UserPool', 'AuthUserPool');
  adminClientId = logicalIdOf(template, 'AWS::Cognito::UserPoolClient', 'AuthUserPoolAdminAppClient');
  storefrontClientId = logicalIdOf(template, 'AWS::Cognito::UserPoolClient', 'AuthUserPoolStorefrontClient');
});

describe('Cognito', () => {
  it('has a user pool nobody signs up to, with a strong password, MFA required and threat protection enforced', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('has one group per role, named as the role', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (group) => (group as { Properties: { GroupName: string } }).Properties.GroupName,
    );

    expect(groups.sort()).toEqual([...ROLES].sort());
  });

  it('has the resource server with one scope per role, each of which rolesOf reads as that role', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: RESOURCE_SERVER_ID,
      Scopes: ROLES.map((role) => Match.objectLike({ ScopeName: role })),
    });
    for (const role of ROLES) expect(rolesOf({ scope: roleScope(role) })).toEqual([role]);
  });

  it('gives the admin app a public code-grant client, its URLs from context, and no role scope', () => {
    const client = clientProperties(template, adminClientId);

    expect(client.GenerateSecret ?? false).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.CallbackURLs).toEqual([`${ADMIN_APP}/auth/callback`, `${ADMIN_APP}/auth/silent`]);
    expect(client.LogoutURLs).toEqual([`${ADMIN_APP}/signed-out`]);
    // A user's roles are their groups; a scope the user could ask for would be a role they chose.
    expect(client.AllowedOAuthScopes.filter((scope) => scope.startsWith(`${RESOURCE_SERVER_ID}/`))).toEqual(
      [],
    );
    expect(rolesOf({ scope: client.AllowedOAuthScopes.join(' ') })).toEqual([]);
  });

  it('gives the storefront a confidential client-credentials client allowed only the service scope', () => {
    const client = clientProperties(template, storefrontClientId);

    expect(client.GenerateSecret).toBe(true);
    expect(client.AllowedOAuthFlows).toEqual(['client_credentials']);
    expect(client.AllowedOAuthScopes).toEqual([roleScope('service')]);
    expect(rolesOf({ scope: client.AllowedOAuthScopes.join(' ') })).toEqual(['service']);
  });

  it('has a domain for the hosted endpoints', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: { Ref: userPoolId },
      Domain: Match.anyValue(),
    });
  });
});

describe('HTTP API authentication', () => {
  const issuer = (): unknown => ({ 'Fn::GetAtt': [userPoolId, 'ProviderURL'] });

  it('trusts the user pool as issuer, and both app clients as audiences', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: issuer(), Audience: [{ Ref: adminClientId }, { Ref: storefrontClientId }] },
    });
  });

  it('puts the JWT authorizer on every route that is not public, $default included', () => {
    const authorizerId = logicalIdOf(template, 'AWS::ApiGatewayV2::Authorizer', 'ApiHttpApiJwtAuthorizer');
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) =>
        (route as { Properties: { RouteKey: string; AuthorizationType: string; AuthorizerId?: unknown } })
          .Properties,
    );
    const byKey = new Map(routes.map((route) => [route.RouteKey, route]));

    for (const route of ROUTES as readonly RouteDeclaration[]) {
      const key = route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
      const deployed = byKey.get(key);
      if (route.access === 'public') {
        expect({ key, type: deployed?.AuthorizationType }).toEqual({ key, type: 'NONE' });
      } else {
        expect({ key, type: deployed?.AuthorizationType, id: deployed?.AuthorizerId }).toEqual({
          key,
          type: 'JWT',
          id: { Ref: authorizerId },
        });
      }
    }
    expect(byKey.get('$default')?.AuthorizationType).toBe('JWT');
  });

  // Found by a review: HEAD /health fell to the authorized $default route and answered 401.
  it("answers HEAD of each public GET on a route of its own, without the authorizer, to the GET route's integration", () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) =>
        (route as { Properties: { RouteKey: string; AuthorizationType: string; Target: unknown } })
          .Properties,
    );
    const byKey = new Map(routes.map((route) => [route.RouteKey, route]));
    const openGets = (ROUTES as readonly RouteDeclaration[]).filter(
      (route) => route.method === 'GET' && route.access === 'public',
    );

    expect(openGets.map((route) => route.path)).toContain('/health');
    for (const route of openGets) {
      const head = byKey.get(`HEAD ${route.path}`);
      expect({ path: route.path, type: head?.AuthorizationType, target: head?.Target }).toEqual({
        path: route.path,
        type: 'NONE',
        target: byKey.get(`GET ${route.path}`)?.Target,
      });
    }
    expect(routes.filter((route) => route.RouteKey.startsWith('HEAD '))).toHaveLength(openGets.length);
  });

  it('leaves only the public routes, their HEADs and the CORS preflight route without the authorizer', () => {
    const open = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .map((route) => (route as { Properties: { RouteKey: string; AuthorizationType: string } }).Properties)
      .filter((route) => route.AuthorizationType !== 'JWT')
      .map((route) => route.RouteKey);

    expect(open.sort()).toEqual(
      [
        ...(ROUTES as readonly RouteDeclaration[])
          .filter((route) => route.access === 'public')
          .map((route) => `${route.method} ${route.path}`),
        ...(ROUTES as readonly RouteDeclaration[]).filter(answersHead).map((route) => `HEAD ${route.path}`),
        'OPTIONS /{proxy+}',
      ].sort(),
    );
  });

  it('tells every HTTP function the issuer, audiences and signing keys, and no worker', () => {
    const audience = { 'Fn::Join': ['', [{ Ref: adminClientId }, ',', { Ref: storefrontClientId }]] };
    const jwks = { 'Fn::Join': ['', [issuer(), '/.well-known/jwks.json']] };
    for (const route of ROUTES) {
      expect(functionNamed(template, route.operationId).Properties.Environment?.Variables).toEqual(
        expect.objectContaining({ AUTH_ISSUER: issuer(), AUTH_AUDIENCE: audience, AUTH_JWKS_URL: jwks }),
      );
    }
    for (const worker of [...SAGA_TASKS, RESERVATION_SWEEPER, AUDIT_PROJECTOR]) {
      const variables = Object.keys(
        functionNamed(template, worker.id).Properties.Environment?.Variables ?? {},
      );
      expect({ id: worker.id, auth: variables.filter((name) => name.startsWith('AUTH_')) }).toEqual({
        id: worker.id,
        auth: [],
      });
    }
  });
});

describe('HTTP API stage and CORS', () => {
  it('throttles the default stage with the limits from context, and logs every request', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.serializedJson(
          Match.objectLike({ requestId: '$context.requestId', sub: '$context.authorizer.claims.sub' }),
        ),
      },
    });
  });

  it('throttles at 50 requests a second, bursts of 100, when no context is given', () => {
    byDefault.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it("allows browsers from the admin app's origins only, with the headers and methods the API uses", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        // The distribution's origin (test/infra/admin-hosting.test.ts), then the one from context.
        AllowOrigins: [
          {
            'Fn::Join': [
              '',
              [
                'https://',
                {
                  'Fn::GetAtt': [
                    logicalIdOf(template, 'AWS::CloudFront::Distribution', 'AdminApp'),
                    'DomainName',
                  ],
                },
              ],
            ],
          },
          ADMIN_APP,
        ],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        AllowMethods: ['GET', 'PATCH', 'POST'],
        AllowCredentials: false,
        ExposeHeaders: ['retry-after'],
        MaxAge: 3600,
      },
    });
  });
});
