import { classifyNumber, findRangeFor, normalizeNumber } from '../../core/numbers/index.ts';
import type { UserRow } from '../../store/database.ts';
import { uniqueViolation } from '../../store/repos/executor.ts';
import type { LineInput, UserInput, UserWithRelations } from '../../store/repos/users-repo.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import { hashPassword, type PasswordCost } from '../auth/secrets.ts';
import { AppError, notFound } from '../errors.ts';
import { scopeHasUser, type Access } from '../policies.ts';
import { presentUser } from './presenter.ts';
import type { LineBody, UserCreateBody, UserUpdateBody } from './schemas.ts';

const LINE_OWNER = 'user';

/**
 * SPEC §3 line rules: a primary line always exists when a secondary does; with a landline and a
 * mobile, the landline is primary; an alias extension only on a full public number.
 */
export function checkLineShape(lines: readonly LineBody[], field = 'lines'): void {
  const slots = new Set<string>();
  for (const [i, l] of lines.entries()) {
    if (slots.has(l.slot)) throw new AppError('validation_failed', `Two lines in the ${l.slot} slot`, `${field}.${i}.slot`);
    slots.add(l.slot);
    if (l.aliasExtension && classifyNumber(l.number) !== 'public') {
      throw new AppError('validation_failed', 'An alias extension needs a full public number on the line', `${field}.${i}.aliasExtension`);
    }
    if (l.aliasExtension && classifyNumber(l.aliasExtension) !== 'internal') {
      throw new AppError('validation_failed', 'An alias extension must be an internal extension', `${field}.${i}.aliasExtension`);
    }
  }
  if (slots.has('secondary') && !slots.has('primary')) {
    throw new AppError('validation_failed', 'A secondary line needs a primary line', `${field}.0.slot`);
  }
  const primary = lines.find((l) => l.slot === 'primary');
  const secondary = lines.find((l) => l.slot === 'secondary');
  if (primary && secondary && primary.lineType === 'office_mobile' && secondary.lineType === 'office_fixed') {
    const i = lines.indexOf(primary);
    throw new AppError('validation_failed', 'With a landline and a mobile line, the landline is the primary line', `${field}.${i}.slot`);
  }
}

/** Reserves every number of the lines; each must lie in the organization's ranges and be free. */
async function reserveLines(repos: Repos, orgId: string, userId: string, lines: readonly LineBody[], field = 'lines'): Promise<LineInput[]> {
  const ranges = (await repos.numbers.allRanges(orgId)).map((r) => ({ kind: r.kind, start: r.start_number, end: r.end_number }));
  await repos.numbers.releaseOwner(orgId, LINE_OWNER, userId);
  const out: LineInput[] = [];
  for (const [i, l] of lines.entries()) {
    const numbers: [string, string][] = [[normalizeNumber(l.number), `${field}.${i}.number`]];
    if (l.aliasExtension) numbers.push([normalizeNumber(l.aliasExtension), `${field}.${i}.aliasExtension`]);
    for (const [n, f] of numbers) {
      if (!findRangeFor(ranges, n)) throw new AppError('number_not_in_range', `${n} is not in the organization's number ranges`, f);
      const taken = await repos.numbers.findAssignment(orgId, n);
      if (taken) throw new AppError('number_in_use', `${n} is already in use`, f);
      await repos.numbers.assign(orgId, { number: n, ownerKind: LINE_OWNER, ownerId: userId });
    }
    out.push({ slot: l.slot, number: numbers[0]![0], lineType: l.lineType, aliasExtension: numbers[1]?.[0] ?? null });
  }
  return out;
}

function rethrowUnique(err: unknown): never {
  const c = uniqueViolation(err);
  if (c?.includes('username')) throw new AppError('duplicate', 'A user with this username already exists', 'username');
  if (c?.includes('external_id')) throw new AppError('duplicate', 'Another user has this external id', 'externalId');
  if (c?.includes('number_assignments')) throw new AppError('number_in_use', 'The number is already in use', 'lines');
  throw err;
}

/** Checks group ids exist in the organization and lie inside a scoped admin's groups. */
async function checkGroups(repos: Repos, access: Access, groupIds: readonly string[], field = 'groupIds'): Promise<void> {
  const existing = new Set(await repos.groups.existing(access.orgId, groupIds));
  for (const [i, g] of groupIds.entries()) {
    const inScope = access.scope.kind === 'organization' || access.scope.groupIds.has(g);
    if (!existing.has(g) || !inScope) throw new AppError('validation_failed', `Group ${g} does not exist`, `${field}.${i}`);
  }
}

/** Only organization admins hand out administrator roles; a group admin manages plain users. */
function checkRole(access: Access, role: string | undefined): void {
  if (role === undefined || role === 'user' || role === 'full_access') return;
  if (access.scope.kind !== 'organization') throw new AppError('forbidden', 'Only organization administrators can give administrator roles', 'role');
}

export interface UserServiceDeps {
  passwordCost: PasswordCost;
}

/** Loads a user the caller may act on, or answers 404 (other tenants and out-of-scope users alike). */
export async function loadUserInScope(repos: Repos, access: Access, userId: string): Promise<UserWithRelations> {
  const u = await repos.users.get(access.orgId, userId);
  if (!u || !scopeHasUser(access.scope, u.groupIds)) throw notFound('User');
  return u;
}

/** Creates a user with lines and memberships inside the caller's transaction. */
export async function createUser(repos: Repos, access: Access, body: UserCreateBody, deps: UserServiceDeps, audited = true): Promise<UserWithRelations> {
  const { orgId } = access;
  checkRole(access, body.role);
  const groupIds = body.groupIds ?? [];
  if (access.scope.kind === 'groups' && groupIds.length === 0) {
    throw new AppError('validation_failed', 'Put the user in at least one group you administer', 'groupIds');
  }
  await checkGroups(repos, access, groupIds);
  if (body.siteId && !(await repos.sites.get(orgId, body.siteId))) throw new AppError('validation_failed', 'Site does not exist', 'siteId');
  const lines = body.lines ?? [];
  checkLineShape(lines);
  const org = await repos.organizations.get(orgId);
  if (!org) throw notFound('Organization');
  const input: UserInput = {
    username: body.username,
    passwordHash: body.password ? await hashPassword(body.password, deps.passwordCost) : null,
    firstName: body.firstName,
    lastName: body.lastName,
    language: body.language ?? org.default_language,
    license: body.license ?? 'standard',
    callerId: body.callerId ?? null,
    forwardNumber: body.forwardNumber ?? null,
    photoUrl: body.photoUrl ?? null,
    role: body.role ?? 'user',
    allowedApps: body.allowedApps ?? [],
    calendarSyncId: body.calendarSyncId ?? null,
    externalId: body.externalId ?? null,
    siteId: body.siteId ?? null,
    directoryFields: body.directoryFields ?? ['', '', '', '', '', ''],
  };
  let row: UserRow;
  try {
    row = await repos.users.create(orgId, input);
    if (lines.length > 0) await repos.users.replaceLines(orgId, row.id, await reserveLines(repos, orgId, row.id, lines));
  } catch (err) {
    rethrowUnique(err);
  }
  await repos.groups.setUserGroups(orgId, row.id, groupIds);
  const created = await repos.users.get(orgId, row.id);
  if (!created) throw notFound('User');
  if (audited) await audit(repos, access.principal, orgId, 'user.create', { type: 'user', id: row.id }, null, presentUser(created));
  return created;
}

/** Applies a partial change to a user: fields, lines and memberships. */
export async function updateUser(repos: Repos, access: Access, userId: string, body: UserUpdateBody, deps: UserServiceDeps): Promise<UserWithRelations> {
  const { orgId } = access;
  const before = await loadUserInScope(repos, access, userId);
  if (body.role !== before.role) checkRole(access, body.role);
  if (access.scope.kind === 'groups' && (before.role === 'org_admin' || before.role === 'group_admin')) {
    throw new AppError('forbidden', 'Only organization administrators can change administrators');
  }
  if (body.siteId && !(await repos.sites.get(orgId, body.siteId))) throw new AppError('validation_failed', 'Site does not exist', 'siteId');
  const { password, lines, groupIds, ...fields } = body;
  try {
    await repos.users.update(orgId, userId, {
      ...fields,
      ...(password !== undefined && { passwordHash: await hashPassword(password, deps.passwordCost) }),
    });
    if (lines) {
      checkLineShape(lines);
      await repos.users.replaceLines(orgId, userId, await reserveLines(repos, orgId, userId, lines));
    }
  } catch (err) {
    rethrowUnique(err);
  }
  if (groupIds) {
    await checkGroups(repos, access, groupIds);
    // A scoped admin changes only the memberships it administers; the others stay as they were.
    const kept = access.scope.kind === 'groups' ? before.groupIds.filter((g) => !(access.scope as { groupIds: ReadonlySet<string> }).groupIds.has(g)) : [];
    const next = [...new Set([...kept, ...groupIds])];
    if (access.scope.kind === 'groups' && !next.some((g) => (access.scope as { groupIds: ReadonlySet<string> }).groupIds.has(g))) {
      throw new AppError('validation_failed', 'The user must stay in at least one group you administer', 'groupIds');
    }
    await repos.groups.setUserGroups(orgId, userId, next);
  }
  // An administrator setting a password ends the user's sessions.
  if (password !== undefined) await repos.auth.deleteSessionsOf('user', userId);
  const after = await repos.users.get(orgId, userId);
  if (!after) throw notFound('User');
  await audit(repos, access.principal, orgId, 'user.update', { type: 'user', id: userId }, presentUser(before), presentUser(after));
  return after;
}

/** Deletes a user and frees their numbers. */
export async function deleteUser(repos: Repos, access: Access, userId: string): Promise<void> {
  const before = await loadUserInScope(repos, access, userId);
  if (access.principal.kind === 'user' && access.principal.id === userId) throw new AppError('validation_failed', 'You cannot delete yourself', 'id');
  if (access.scope.kind === 'groups' && (before.role === 'org_admin' || before.role === 'group_admin')) {
    throw new AppError('forbidden', 'Only organization administrators can delete administrators');
  }
  await repos.numbers.releaseOwner(access.orgId, LINE_OWNER, userId);
  await repos.users.delete(access.orgId, userId);
  await audit(repos, access.principal, access.orgId, 'user.delete', { type: 'user', id: userId }, presentUser(before), null);
}
