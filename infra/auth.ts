import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { RESOURCE_SERVER_ID, ROLES, type Role, roleScope } from '../functions/auth/roles.ts';

export interface AuthProps {
  /** Where the admin app may be sent back to after sign-in and sign-out. */
  adminAppCallbackUrls: readonly string[];
  adminAppLogoutUrls: readonly string[];
  /** The hosted sign-in endpoints' prefix (`<prefix>.auth.<region>.amazoncognito.com`), unique per region. */
  domainPrefix: string;
}

const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  viewer: 'Reads everything',
  support: 'Reads; grants, deducts and refunds',
  service: 'Reads; makes purchases (machine clients)',
  admin: 'Everything, promo codes included',
};

/**
 * The token issuer in AWS: a Cognito user pool whose groups are the roles (for people, through the
 * admin app) and whose resource server has one scope per role (for machine clients, which belong to
 * no group). `rolesOf` (functions/auth/roles.ts) reads both, so the two must never overlap: no user
 * client may ask for a role scope, or any user could name their own role.
 */
export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly adminAppClient: UserPoolClient;
  readonly storefrontClient: UserPoolClient;
  /** The `iss` of every token the pool signs. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** The hosted OAuth 2.0 endpoints of the pool's domain, which the API document names. */
  readonly tokenUrl: string;
  readonly authorizationUrl: string;
  /** The clients whose tokens the API accepts: Cognito access tokens carry them as `client_id`. */
  readonly audiences: string[];

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      // Staff are invited (AdminCreateUser); nobody signs themselves up to move money.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Every user can grant credit or read customers' data: a second factor, by app (no SMS costs
      // or SIM-swap risk).
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Threat protection (compromised credentials, risky sign-ins) enforced: few users, each
      // with access to money, so the Plus plan's per-user price is small against the risk.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const role of ROLES) {
      new UserPoolGroup(this, `${capitalized(role)}Group`, {
        userPool: this.userPool,
        groupName: role,
        description: ROLE_DESCRIPTIONS[role],
      });
    }

    // Scope `purchase-api/<role>`: the name is the role, as rolesOf expects.
    const resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: 'Purchase API',
      scopes: ROLES.map(
        (role) => new ResourceServerScope({ scopeName: role, scopeDescription: ROLE_DESCRIPTIONS[role] }),
      ),
    });

    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });

    this.adminAppClient = this.userPool.addClient('AdminAppClient', {
      userPoolClientName: 'admin-app',
      // A browser app keeps no secret: authorization code with PKCE (the app sends an S256
      // code_challenge; Cognito has no switch to demand it, a public client is what we control).
      generateSecret: false,
      authFlows: { userSrp: false, userPassword: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        // No role scopes: a user's roles are their groups, set by an administrator.
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [...props.adminAppCallbackUrls],
        logoutUrls: [...props.adminAppLogoutUrls],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
    });

    this.storefrontClient = this.userPool.addClient('StorefrontClient', {
      userPoolClientName: 'storefront',
      // A backend keeps its secret; client credentials need one.
      generateSecret: true,
      authFlows: { userSrp: false, userPassword: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { clientCredentials: true, authorizationCodeGrant: false, implicitCodeGrant: false },
        // The scope's name as rolesOf reads it (roleScope), not a reference that hides it.
        scopes: [OAuthScope.custom(roleScope('service'))],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(60),
    });
    this.storefrontClient.node.addDependency(resourceServer);

    this.issuer = this.userPool.userPoolProviderUrl;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
    this.tokenUrl = `${domain.baseUrl()}/oauth2/token`;
    this.authorizationUrl = `${domain.baseUrl()}/oauth2/authorize`;
    this.audiences = [this.adminAppClient.userPoolClientId, this.storefrontClient.userPoolClientId];
  }
}

/**
 * The origins a browser talks to for sign-in, known before the pool exists (so the admin app's
 * distribution can name them while the app client names the distribution): the issuer (discovery,
 * keys) and the hosted endpoints of the domain `domainPrefix` (authorize, token, logout).
 */
export function cognitoOrigins(scope: Construct, domainPrefix: string): { issuer: string; hostedUi: string } {
  const { region, urlSuffix } = Stack.of(scope);
  return {
    issuer: `https://cognito-idp.${region}.${urlSuffix}`,
    hostedUi: `https://${domainPrefix}.auth.${region}.amazoncognito.com`,
  };
}

const capitalized = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
