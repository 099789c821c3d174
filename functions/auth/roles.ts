/**
 * Who may do what, declared once. The route table names the permission each route needs; the
 * authentication middleware and the CDK stack (Cognito groups and scopes) read this module.
 * Dependency-free on purpose: `infra/` imports it.
 */

export const ROLES = ['viewer', 'support', 'service', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['read', 'manage-credit', 'refund', 'purchase', 'manage-promo-codes'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The contract's table (purchase-api.md, Authentication and roles). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['read'],
  support: ['read', 'manage-credit', 'refund'],
  service: ['read', 'purchase'],
  admin: PERMISSIONS,
};

/**
 * What a route asks of its caller: nothing (`public`: health and the API's description), any valid
 * token (`authenticated`: the catch-all 404, so that unauthenticated probing learns nothing), or
 * one permission.
 */
export type RouteAccess = 'public' | 'authenticated' | Permission;

/**
 * The OAuth resource server: its identifier is the access token's audience locally, and the prefix
 * of its scopes (`purchase-api/service`) in Cognito and locally alike.
 */
export const RESOURCE_SERVER_ID = 'purchase-api';

/** A user's roles ride in this claim (Cognito puts a user's groups there). */
export const GROUPS_CLAIM = 'cognito:groups';

/** The scope that carries a role, for machine clients, which belong to no group. */
export const roleScope = (role: Role): string => `${RESOURCE_SERVER_ID}/${role}`;

const isRole = (value: unknown): value is Role => typeof value === 'string' && ROLES.includes(value as Role);

/** The roles a token's claims carry: its groups, plus the roles its scopes name. Unknown names are ignored. */
export function rolesOf(claims: Readonly<Record<string, unknown>>): Role[] {
  const roles = new Set<Role>();
  const groups = claims[GROUPS_CLAIM];
  if (Array.isArray(groups)) for (const group of groups) if (isRole(group)) roles.add(group);
  const scope = claims.scope;
  if (typeof scope === 'string') {
    // Whole scopes only: Cognito allows `/` in a resource server's identifier, so a prefix match
    // would read another server's `purchase-api/admin/read` as our admin.
    const scopes = new Set(scope.split(' '));
    for (const role of ROLES) if (scopes.has(roleScope(role))) roles.add(role);
  }
  return [...roles].sort();
}

export const mayDo = (roles: readonly Role[], permission: Permission): boolean =>
  roles.some((role) => ROLE_PERMISSIONS[role].includes(permission));
