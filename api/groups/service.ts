import type { GroupWithCounts } from '../../store/repos/groups-repo.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { scopeHasGroup, scopeHasUser, type Access } from '../policies.ts';
import { GROUP_LIST_SETTING_KEYS } from '../settings/group-lists.ts';
import { presentGroup } from './presenter.ts';
import type { GroupCreateBody, GroupUpdateBody } from './schemas.ts';

const ADMIN_ROLES = new Set(['org_admin', 'group_admin']);

/** Loads a group the caller may see, or answers 404 (other tenants and groups outside a group admin's scope alike). */
export async function loadGroupInScope(repos: Repos, access: Access, groupId: string): Promise<GroupWithCounts> {
  if (!scopeHasGroup(access.scope, groupId)) throw notFound('Group');
  const g = await repos.groups.get(access.orgId, groupId);
  if (!g) throw notFound('Group');
  return g;
}

async function requireGroup(repos: Repos, orgId: string, groupId: string): Promise<GroupWithCounts> {
  const g = await repos.groups.get(orgId, groupId);
  if (!g) throw notFound('Group');
  return g;
}

/** Group names are unique in an organization, ignoring case ("Sales" and "sales" are one name). */
async function checkNameFree(repos: Repos, orgId: string, name: string, exceptId?: string): Promise<void> {
  if (await repos.groups.findByName(orgId, name, exceptId)) throw new AppError('duplicate', 'A group with this name already exists', 'name');
}

/**
 * Keeps priorities dense (1..n): moves `groupId` to position `priority` (past the end = last), or,
 * without a priority, closes the gap it left. Every other group keeps its relative order.
 */
async function renumber(repos: Repos, orgId: string, groupId: string, priority?: number): Promise<void> {
  const ids = (await repos.groups.orderedIds(orgId)).filter((id) => id !== groupId);
  if (priority !== undefined) ids.splice(Math.min(priority - 1, ids.length), 0, groupId);
  await repos.groups.reorder(orgId, ids);
}

/** Creates a group, at the given priority (others move down) or last. */
export async function createGroup(repos: Repos, access: Access, body: GroupCreateBody): Promise<GroupWithCounts> {
  const { orgId } = access;
  await checkNameFree(repos, orgId, body.name);
  const { priority, ...fields } = body;
  const row = await repos.groups.create(orgId, fields);
  if (priority !== undefined) await renumber(repos, orgId, row.id, priority);
  const created = await requireGroup(repos, orgId, row.id);
  await audit(repos, access.principal, orgId, 'group.create', { type: 'group', id: row.id }, null, presentGroup(created));
  return created;
}

/** Changes a group's name, description, flags or priority. */
export async function updateGroup(repos: Repos, access: Access, groupId: string, body: GroupUpdateBody): Promise<GroupWithCounts> {
  const { orgId } = access;
  const before = await requireGroup(repos, orgId, groupId);
  if (body.name !== undefined) await checkNameFree(repos, orgId, body.name, groupId);
  const { priority, ...fields } = body;
  await repos.groups.update(orgId, groupId, fields);
  if (priority !== undefined && priority !== before.priority) await renumber(repos, orgId, groupId, priority);
  const after = await requireGroup(repos, orgId, groupId);
  await audit(repos, access.principal, orgId, 'group.update', { type: 'group', id: groupId }, presentGroup(before), presentGroup(after));
  return after;
}

/** Deletes a group: members leave it, its settings go, the groups below move up, and settings listing it forget it. */
export async function deleteGroup(repos: Repos, access: Access, groupId: string): Promise<void> {
  const { orgId } = access;
  const before = await requireGroup(repos, orgId, groupId);
  await repos.groups.delete(orgId, groupId);
  await renumber(repos, orgId, groupId);
  await repos.settings.removeSetMember(orgId, GROUP_LIST_SETTING_KEYS, groupId);
  await audit(repos, access.principal, orgId, 'group.delete', { type: 'group', id: groupId }, presentGroup(before), null);
}

/** Sets the whole priority order; the list must name every group of the organization exactly once. */
export async function setGroupOrder(repos: Repos, access: Access, groupIds: readonly string[]): Promise<string[]> {
  const { orgId } = access;
  const current = await repos.groups.orderedIds(orgId);
  const known = new Set(current);
  const seen = new Set<string>();
  for (const [i, id] of groupIds.entries()) {
    if (!known.has(id)) throw invalid(`groupIds.${i}`, `Group ${id} does not exist`);
    if (seen.has(id)) throw invalid(`groupIds.${i}`, `Group ${id} is listed twice`);
    seen.add(id);
  }
  const missing = current.filter((id) => !seen.has(id));
  if (missing.length > 0)
    throw invalid(`groupIds.${groupIds.length}`, `The order must list every group exactly once; missing: ${missing.join(', ')}`, { missing });
  await repos.groups.reorder(orgId, groupIds);
  await audit(repos, access.principal, orgId, 'group.reorder', { type: 'group', id: null }, { groupIds: current }, { groupIds });
  return [...groupIds];
}

/**
 * The users a caller may put into or take out of a group: users of the organization inside the
 * caller's scope. A group admin may not change administrators' memberships (that could widen
 * another administrator's scope).
 */
async function checkMembers(repos: Repos, access: Access, userIds: readonly string[]): Promise<string[]> {
  const users = new Map((await repos.users.getMany(access.orgId, userIds)).map((u) => [u.id, u]));
  for (const [i, id] of userIds.entries()) {
    const u = users.get(id);
    if (!u || !scopeHasUser(access.scope, u.groupIds)) throw invalid(`userIds.${i}`, `User ${id} does not exist`);
    if (access.scope.kind === 'groups' && ADMIN_ROLES.has(u.role)) {
      throw new AppError('forbidden', 'Only organization administrators can change the memberships of administrators', `userIds.${i}`);
    }
  }
  return [...new Set(userIds)];
}

export interface MembershipChange {
  groupId: string;
  affected: number;
  memberCount: number;
}

/** Adds users to or takes them out of a group; users already in (or not in) it are left alone. */
export async function changeGroupMembers(
  repos: Repos,
  access: Access,
  groupId: string,
  userIds: readonly string[],
  change: 'add' | 'remove',
): Promise<MembershipChange> {
  const g = await loadGroupInScope(repos, access, groupId);
  const ids = await checkMembers(repos, access, userIds);
  const existing = new Set(await repos.groups.memberIds(access.orgId, groupId));
  const affected = ids.filter((id) => existing.has(id) === (change === 'remove'));
  if (change === 'add') await repos.groups.addMembers(access.orgId, groupId, affected);
  else await repos.groups.removeMembers(access.orgId, groupId, affected);
  const memberCount = g.memberCount + (change === 'add' ? affected.length : -affected.length);
  if (affected.length > 0) {
    await audit(
      repos,
      access.principal,
      access.orgId,
      change === 'add' ? 'group.members_add' : 'group.members_remove',
      { type: 'group', id: groupId },
      { memberCount: g.memberCount },
      { memberCount, [change === 'add' ? 'addedUserIds' : 'removedUserIds']: affected },
    );
  }
  return { groupId, affected: affected.length, memberCount };
}

/** Sets which groups the group-admin members of this (admin) group administer. */
export async function setAdministeredGroups(repos: Repos, access: Access, groupId: string, groupIds: readonly string[]): Promise<GroupWithCounts> {
  const { orgId } = access;
  const before = await requireGroup(repos, orgId, groupId);
  const existing = new Set(await repos.groups.existing(orgId, groupIds));
  for (const [i, id] of groupIds.entries()) if (!existing.has(id)) throw invalid(`groupIds.${i}`, `Group ${id} does not exist`);
  await repos.groups.setAdministeredGroups(orgId, groupId, [...new Set(groupIds)]);
  const after = await requireGroup(repos, orgId, groupId);
  await audit(
    repos,
    access.principal,
    orgId,
    'group.administers',
    { type: 'group', id: groupId },
    { administersGroupIds: before.administersGroupIds },
    { administersGroupIds: after.administersGroupIds },
  );
  return after;
}
