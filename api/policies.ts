import type { Repos } from '../store/store.ts';
import type { Principal, RoleName } from './auth/principal.ts';
import { roleOf } from './auth/principal.ts';
import { AppError, forbidden, notFound } from './errors.ts';

/**
 * What each role may do, declared in one table. A route names the capability it needs; the
 * tenant check and the group-admin scope are applied by `authorize`, never by hand in a route.
 */
export type Capability =
  | 'organizations:list'
  | 'organizations:create'
  | 'organizations:delete'
  | 'organization:read'
  | 'organization:update'
  | 'sites:read'
  | 'sites:write'
  | 'numbers:read'
  | 'numbers:write'
  | 'users:read'
  | 'users:write'
  | 'groups:read'
  | 'groups:write'
  | 'groups:create'
  | 'devices:read'
  | 'devices:write'
  | 'settings:read'
  | 'settings:write'
  | 'organization-settings:write'
  | 'directory:moderate'
  | 'contacts:read'
  | 'contacts:write'
  | 'audit:read'
  | 'organization-limits:write'
  | 'trunks:manage'
  | 'registrations:read'
  | 'cdrs:read'
  | 'number-conversion:manage'
  | 'group-number-conversion:manage';

const ORG_ADMIN: readonly Capability[] = [
  'organization:read',
  'organization:update',
  'sites:read',
  'sites:write',
  'numbers:read',
  'numbers:write',
  'users:read',
  'users:write',
  'groups:read',
  'groups:write',
  'groups:create',
  'devices:read',
  'devices:write',
  'settings:read',
  'settings:write',
  'organization-settings:write',
  'directory:moderate',
  'contacts:read',
  'contacts:write',
  'audit:read',
  'trunks:manage',
  'registrations:read',
  'cdrs:read',
  'number-conversion:manage',
  'group-number-conversion:manage',
];

// A group admin works only inside the groups its admin groups are given (see `Scope`).
const GROUP_ADMIN: readonly Capability[] = [
  'organization:read',
  'sites:read',
  'numbers:read',
  'users:read',
  'users:write',
  'groups:read',
  'groups:write',
  'devices:read',
  'devices:write',
  'settings:read',
  'settings:write',
  'directory:moderate',
  'contacts:read',
  'contacts:write',
  'group-number-conversion:manage',
];

// Standard and full-access users act on themselves through the /me routes.
const USER: readonly Capability[] = ['organization:read'];

export const POLICIES: Readonly<Record<RoleName, readonly Capability[]>> = {
  // Limits the provider sells (such as concurrent outbound calls) are not the organization's to raise.
  provider: ['organizations:list', 'organizations:create', 'organizations:delete', 'organization-limits:write', ...ORG_ADMIN],
  org_admin: ORG_ADMIN,
  group_admin: GROUP_ADMIN,
  full_access: USER,
  user: USER,
};

/** The part of an organization a principal may act on. */
export type Scope = { kind: 'organization' } | { kind: 'groups'; groupIds: ReadonlySet<string> };

export interface Access {
  orgId: string;
  principal: Principal;
  scope: Scope;
}

/** True when the role may use the capability at all (before tenant and scope checks). */
export function roleCan(role: RoleName, cap: Capability): boolean {
  return POLICIES[role].includes(cap);
}

/**
 * The tenant check and capability check in one place. Another organization's id answers 404, as
 * if it did not exist; a capability the role lacks answers 403.
 */
export async function authorize(repos: Repos, principal: Principal, orgId: string, cap: Capability): Promise<Access> {
  if (principal.kind === 'user' && principal.orgId !== orgId) throw notFound('Organization');
  if (principal.kind === 'provider' && principal.verifiedOrgId !== orgId) {
    const org = await repos.organizations.get(orgId);
    if (!org) throw notFound('Organization');
  }
  if (!roleCan(roleOf(principal), cap)) throw forbidden();
  if (principal.kind === 'user' && principal.role === 'group_admin') {
    const groupIds = await repos.groups.administeredGroupIds(orgId, principal.id);
    return { orgId, principal, scope: { kind: 'groups', groupIds: new Set(groupIds) } };
  }
  return { orgId, principal, scope: { kind: 'organization' } };
}

/** Provider-only operations outside any organization. */
export function authorizeProvider(principal: Principal, cap: Capability): void {
  if (!roleCan(roleOf(principal), cap)) throw forbidden();
}

/** Whether a scoped admin may act on a group. */
export function scopeHasGroup(scope: Scope, groupId: string): boolean {
  return scope.kind === 'organization' || scope.groupIds.has(groupId);
}

/** A group outside the scope is reported as not found, like another tenant's. */
export function requireGroupInScope(scope: Scope, groupId: string): void {
  if (!scopeHasGroup(scope, groupId)) throw notFound('Group');
}

/** Whether a user (given their group memberships) is inside the scope. */
export function scopeHasUser(scope: Scope, userGroupIds: readonly string[]): boolean {
  return scope.kind === 'organization' || userGroupIds.some((g) => scope.groupIds.has(g));
}

/** Scoped admins may only organization-wide settings when their scope is the organization. */
export function requireOrganizationScope(scope: Scope): void {
  if (scope.kind !== 'organization') throw new AppError('forbidden', 'Only organization administrators can do this');
}
