import { resolveEffectiveSetting } from '../../core/settings/resolve.ts';
import type { SettingValue } from '../../core/settings/types.ts';
import type { ModerationRow } from '../../store/repos/directory-repo.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import type { Principal } from '../auth/principal.ts';
import { AppError, notFound } from '../errors.ts';
import { scopeHasUser, type Access } from '../policies.ts';
import { presentModeration, type ModerationView } from './presenter.ts';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

const FIELD_COUNT = 6;

/** A user's six values, padded so that a short stored array never loses a field. */
export function sixValues(values: readonly string[]): string[] {
  return Array.from({ length: FIELD_COUNT }, (_, i) => values[i] ?? '');
}

async function fieldNames(repos: Repos, orgId: string): Promise<string[]> {
  const org = await repos.organizations.get(orgId);
  if (!org) throw notFound('Organization');
  return org.directory_field_names;
}

/** Presents requests with their users and the organization's field names (two lookups for a page). */
export async function presentModerations(repos: Repos, orgId: string, rows: readonly ModerationRow[]): Promise<ModerationView[]> {
  const [names, users] = await Promise.all([fieldNames(repos, orgId), repos.users.getMany(orgId, [...new Set(rows.map((r) => r.user_id))])]);
  const byId = new Map(users.map((u) => [u.id, u]));
  return rows.map((r) => presentModeration(r, names, byId.get(r.user_id)));
}

/** The fields (1–6) a user may edit themselves: setting `directory.editable_fields` (SPEC §8). */
export async function editableFields(repos: Repos, orgId: string, userId: string): Promise<ReadonlySet<number>> {
  const layers = await repos.settings.layersForUser(orgId, userId);
  const entries = (list: readonly { key: string; value: unknown }[]) => list.map((e) => ({ key: e.key, value: e.value as SettingValue }));
  const effective = resolveEffectiveSetting('directory.editable_fields', {
    organization: entries(layers.organization),
    user: entries(layers.user),
    groups: layers.groups.map((g) => ({ ...g, entries: entries(g.entries) })),
  });
  const value = effective?.value;
  if (!Array.isArray(value)) return new Set([1, 2, 3, 4, 5, 6]);
  return new Set(value.map(Number).filter((n) => Number.isInteger(n) && n >= 1 && n <= FIELD_COUNT));
}

/**
 * SPEC §4 moderation: a user's change to their own directory field does not change the value; it
 * waits as a request (replacing one still pending for the same field) until an admin decides.
 */
export async function requestOwnDirectoryChange(repos: Repos, principal: UserPrincipal, field: number, value: string): Promise<ModerationView> {
  const { orgId, id: userId } = principal;
  const user = await repos.users.get(orgId, userId);
  if (!user) throw notFound('User');
  if (!(await editableFields(repos, orgId, userId)).has(field)) throw new AppError('forbidden', `Directory field ${field} is not editable by users`, 'field');
  const oldValue = sixValues(user.directory_fields)[field - 1] ?? '';
  const row = await repos.directory.request(orgId, userId, field, oldValue, value);
  const [view] = await presentModerations(repos, orgId, [row]);
  await audit(repos, principal, orgId, 'directory.request', { type: 'directory_moderation', id: row.id }, null, view);
  return view!;
}

/** Loads a request the caller may moderate, or 404 (other tenants and users outside a group admin's scope alike). */
export async function loadModerationInScope(repos: Repos, access: Access, id: string): Promise<ModerationRow> {
  const r = await repos.directory.get(access.orgId, id);
  if (!r) throw notFound('Moderation request');
  if (access.scope.kind === 'groups' && !scopeHasUser(access.scope, await repos.groups.groupIdsOfUser(access.orgId, r.user_id)))
    throw notFound('Moderation request');
  return r;
}

/** Approves (the value is applied to the user) or rejects a pending request; a decided one answers 409. */
export async function decideModeration(repos: Repos, access: Access, id: string, decision: 'approved' | 'rejected', at: Date): Promise<ModerationView> {
  const { orgId, principal } = access;
  const request = await loadModerationInScope(repos, access, id);
  if (request.status !== 'pending') throw new AppError('conflict', `This request was already ${request.status}`, 'status');
  // A group admin cannot wave through their own change; organization admins may edit users directly anyway.
  if (access.scope.kind === 'groups' && principal.kind === 'user' && principal.id === request.user_id) {
    throw new AppError('forbidden', 'Another administrator must decide your own directory change');
  }
  const decided = await repos.directory.decide(orgId, id, decision, principal.id, at);
  if (!decided) throw new AppError('conflict', 'This request was already decided', 'status');
  if (decision === 'approved') {
    const user = await repos.users.get(orgId, request.user_id);
    if (!user) throw notFound('User');
    const values = sixValues(user.directory_fields);
    values[request.field - 1] = request.new_value;
    await repos.users.update(orgId, user.id, { directoryFields: values });
  }
  const [before, after] = await presentModerations(repos, orgId, [request, decided]);
  await audit(repos, principal, orgId, decision === 'approved' ? 'directory.approve' : 'directory.reject', { type: 'directory_moderation', id }, before, after);
  return after!;
}
