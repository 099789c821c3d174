import { describe, expect, it } from '@jest/globals';
import {
  GROUPS_CLAIM,
  mayDo,
  PERMISSIONS,
  type Permission,
  ROLES,
  type Role,
  rolesOf,
} from '../../functions/auth/roles.ts';
import { ROUTES } from '../../functions/routes.ts';

describe('rolesOf', () => {
  it('reads the roles of a user from the groups claim', () => {
    expect(rolesOf({ [GROUPS_CLAIM]: ['support'] })).toEqual(['support']);
  });

  it("reads the roles of a machine client from this resource server's scopes", () => {
    expect(rolesOf({ scope: 'openid purchase-api/service' })).toEqual(['service']);
  });

  it('joins groups and scopes, once each, sorted', () => {
    const claims = { [GROUPS_CLAIM]: ['viewer', 'admin'], scope: 'purchase-api/admin purchase-api/support' };

    expect(rolesOf(claims)).toEqual(['admin', 'support', 'viewer']);
  });

  it('ignores names that are not roles, in either claim', () => {
    const claims = {
      [GROUPS_CLAIM]: ['root', 'Admin', 'admin ', 42, null, { role: 'admin' }],
      scope: 'purchase-api/root purchase-api/Admin purchase-api/ purchase-api admin',
    };

    expect(rolesOf(claims)).toEqual([]);
  });

  it("ignores other resource servers' scopes, even one whose identifier starts like ours", () => {
    const scope = [
      'other-api/admin',
      'https://purchase-api/admin',
      // A resource server named `purchase-api/admin` (Cognito allows `/` in an identifier) with a scope `read`.
      'purchase-api/admin/read',
      'purchase-api-staging/admin',
    ].join(' ');

    expect(rolesOf({ scope })).toEqual([]);
  });

  it('gives no role to claims of the wrong shape', () => {
    expect(rolesOf({})).toEqual([]);
    expect(rolesOf({ [GROUPS_CLAIM]: 'admin', scope: ['purchase-api/admin'] })).toEqual([]);
  });
});

/**
 * The contract's table (purchase-api.md, Authentication and roles), written out again from its
 * words rather than from ROLE_PERMISSIONS: viewer every GET; support viewer plus grants, deductions
 * and refunds; service viewer plus POST /v1/purchases; admin everything.
 */
const CONTRACT_WRITES: Record<Role, 'all' | readonly string[]> = {
  viewer: [],
  support: [
    'POST /v1/customers/{customerId}/credit/grants',
    'POST /v1/customers/{customerId}/credit/deductions',
    'POST /v1/purchases/{purchaseId}/refunds',
  ],
  service: ['POST /v1/purchases'],
  admin: 'all',
};

const contractAllows = (role: Role, route: { method: string; path: string }): boolean => {
  const writes = CONTRACT_WRITES[role];
  return route.method === 'GET' || writes === 'all' || writes.includes(`${route.method} ${route.path}`);
};

const guarded = ROUTES.filter(
  (route): route is Extract<(typeof ROUTES)[number], { access: Permission }> =>
    route.access !== 'public' && route.access !== 'authenticated',
);

describe('mayDo, against the contract', () => {
  it.each(
    ROLES.flatMap((role) => guarded.map((route) => [role, route.method, route.path, route.access] as const)),
  )('%s on %s %s (needs %s): as the contract says', (role, method, path, access) => {
    expect(mayDo([role], access)).toBe(contractAllows(role, { method, path }));
  });

  it('lets the viewer do every GET and nothing else', () => {
    const viewerMay = guarded.filter((route) => mayDo(['viewer'], route.access));

    expect(viewerMay).toEqual(guarded.filter((route) => route.method === 'GET'));
  });

  it('lets the admin do everything, promo codes included', () => {
    expect(PERMISSIONS.every((permission) => mayDo(['admin'], permission))).toBe(true);
  });

  it('gives a caller the union of its roles, and one with no role nothing', () => {
    expect(mayDo(['viewer', 'service'], 'purchase')).toBe(true);
    expect(mayDo(['viewer', 'service'], 'refund')).toBe(false);
    expect(PERMISSIONS.some((permission) => mayDo([], permission))).toBe(false);
  });

  it('lets no one but the admin manage promo codes', () => {
    expect(ROLES.filter((role) => mayDo([role], 'manage-promo-codes'))).toEqual(['admin']);
  });
});
