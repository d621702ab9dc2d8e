import type { ContactOwner } from '../../store/repos/contacts-repo.ts';
import type { Repos } from '../../store/store.ts';
import type { Principal } from '../auth/principal.ts';
import { AppError, notFound } from '../errors.ts';
import { authorize, requireGroupInScope, requireOrganizationScope, roleCan } from '../policies.ts';
import { loadUserInScope } from '../users/service.ts';

/**
 * Who may act on one contact list. `selfService` is a user working on their own list without an
 * administrator's rights: they read their lists and manage their own external contacts only.
 */
export interface ContactAccess {
  orgId: string;
  principal: Principal;
  owner: ContactOwner;
  selfService: boolean;
}

export type AccessMode = 'read' | 'write';

/** Path parameters of the three list levels. */
export interface OwnerParams {
  orgId: string;
  groupId?: string;
  userId?: string;
}

/** The list a route addresses: `/groups/:groupId/...` and `/users/:userId/...` name theirs, else the organization's. */
export function ownerOf(p: OwnerParams): ContactOwner {
  if (p.userId !== undefined) return { level: 'user', id: p.userId };
  if (p.groupId !== undefined) return { level: 'group', id: p.groupId };
  return { level: 'organization', id: p.orgId };
}

async function adminAccess(repos: Repos, principal: Principal, orgId: string, owner: ContactOwner, mode: AccessMode): Promise<ContactAccess> {
  const access = await authorize(repos, principal, orgId, mode === 'read' ? 'contacts:read' : 'contacts:write');
  switch (owner.level) {
    case 'organization':
      if (owner.id !== orgId) throw notFound('Contact list');
      // Every administrator sees what their users inherit; only organization admins change it.
      if (mode === 'write') requireOrganizationScope(access.scope);
      break;
    case 'group':
      requireGroupInScope(access.scope, owner.id);
      if (!(await repos.groups.get(orgId, owner.id))) throw notFound('Group');
      break;
    case 'user':
      await loadUserInScope(repos, access, owner.id);
      break;
  }
  return { orgId, principal, owner, selfService: false };
}

function isSelf(principal: Principal, orgId: string, owner: ContactOwner): boolean {
  return principal.kind === 'user' && principal.orgId === orgId && owner.level === 'user' && owner.id === principal.id;
}

/**
 * The tenant, capability and scope check for a contact list. Administrators act through their
 * capabilities and scope; a user acting on their own list falls back to self-service.
 */
export async function ownerAccess(repos: Repos, principal: Principal, orgId: string, owner: ContactOwner, mode: AccessMode): Promise<ContactAccess> {
  if (!isSelf(principal, orgId, owner)) return adminAccess(repos, principal, orgId, owner, mode);
  if (principal.kind === 'user' && roleCan(principal.role, mode === 'read' ? 'contacts:read' : 'contacts:write')) {
    try {
      return await adminAccess(repos, principal, orgId, owner, mode);
    } catch (err) {
      // A group admin outside their own scope still manages their own list, as any user does.
      if (!(err instanceof AppError && err.code === 'not_found')) throw err;
    }
  }
  return { orgId, principal, owner, selfService: true };
}

/** The lists a user inherits from, top down: organization, the user's groups, the user. */
export async function effectiveOwners(repos: Repos, orgId: string, userId: string): Promise<ContactOwner[]> {
  const groupIds = await repos.groups.groupIdsOfUser(orgId, userId);
  return [{ level: 'organization', id: orgId }, ...groupIds.map((id) => ({ level: 'group' as const, id })), { level: 'user', id: userId }];
}

/** A contact id is looked up only inside the caller's own organization: another tenant's answers 404. */
export function requireTenant(principal: Principal, orgId: string, what: string): void {
  if (principal.kind === 'user' && principal.orgId !== orgId) throw notFound(what);
}

/**
 * Access to one contact found by id. A user without administrator rights may still read any
 * contact of their effective list (it is theirs to see), but changes only their own list.
 */
export async function contactAccess(repos: Repos, principal: Principal, orgId: string, owner: ContactOwner, mode: AccessMode): Promise<ContactAccess> {
  try {
    return await ownerAccess(repos, principal, orgId, owner, mode);
  } catch (err) {
    if (mode !== 'read' || principal.kind !== 'user' || principal.orgId !== orgId || !(err instanceof AppError)) throw err;
    const mine = await effectiveOwners(repos, orgId, principal.id);
    if (!mine.some((o) => o.level === owner.level && o.id === owner.id)) throw err;
    return { orgId, principal, owner, selfService: true };
  }
}
