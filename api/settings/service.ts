import {
  findSetting,
  SETTINGS,
  settingAllowedAt,
  validateSettingValue,
  type SettingDefinition,
  type SettingLevel,
  type SettingValue,
} from '../../core/settings/catalogue.ts';
import { resolveEffectiveSettings, type EffectiveSetting } from '../../core/settings/resolve.ts';
import type { StoredSettingRow } from '../../store/repos/settings-repo.ts';
import type { Repos } from '../../store/store.ts';
import type { OrgReadCache } from '../read-model/org-read-cache.ts';
import { settingsLayers } from '../read-model/settings-layers.ts';
import { userDirectory } from '../read-model/user-directory.ts';
import { audit } from '../audit.ts';
import type { Principal } from '../auth/principal.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { loadGroupInScope } from '../groups/service.ts';
import { authorize, scopeHasUser, type Access, type Scope } from '../policies.ts';
import { loadUserInScope } from '../users/service.ts';
import { holdsGroupIds } from './group-lists.ts';

/** Which level's values a request is about. */
export type SettingTarget = { level: 'organization' } | { level: 'group'; groupId: string } | { level: 'user'; userId: string };

export interface ResolvedTarget {
  access: Access;
  level: SettingLevel;
  targetId: string;
}

const LEVEL_NAMES: Record<SettingLevel, string> = { organization: 'the organization', group: 'a group', user: 'a user' };
const ADMIN_ROLES = new Set(['org_admin', 'group_admin']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tenant, capability and scope check for one level. Organization values are read by admins
 * and written by organization admins only; group and user values by admins within their scope.
 * A group admin does not change administrators' own settings.
 */
export async function resolveTarget(repos: Repos, principal: Principal, orgId: string, target: SettingTarget, mode: 'read' | 'write'): Promise<ResolvedTarget> {
  const cap = mode === 'read' ? 'settings:read' : 'settings:write';
  switch (target.level) {
    case 'organization': {
      const access = await authorize(repos, principal, orgId, mode === 'read' ? cap : 'organization-settings:write');
      return { access, level: 'organization', targetId: orgId };
    }
    case 'group': {
      const access = await authorize(repos, principal, orgId, cap);
      await loadGroupInScope(repos, access, target.groupId);
      return { access, level: 'group', targetId: target.groupId };
    }
    case 'user': {
      const access = await authorize(repos, principal, orgId, cap);
      const u = await loadUserInScope(repos, access, target.userId);
      if (mode === 'write' && access.scope.kind === 'groups' && ADMIN_ROLES.has(u.role)) {
        throw new AppError('forbidden', "Only organization administrators can change administrators' settings");
      }
      return { access, level: 'user', targetId: target.userId };
    }
  }
}

/** The catalogue entry of `key`, if it may be set on `level`: unknown → 404, wrong level → 400. */
export function definitionAt(key: string, level: SettingLevel): SettingDefinition {
  const def = findSetting(key);
  if (!def) throw new AppError('not_found', `Unknown setting '${key}'`, 'key');
  if (!settingAllowedAt(def, level)) throw invalid('key', `'${key}' cannot be set on ${LEVEL_NAMES[level]}; it can be set on: ${def.levels.join(', ')}`);
  return def;
}

/** Validates and normalizes a value; group lists must name groups of the organization. */
async function checkValue(repos: Repos, orgId: string, def: SettingDefinition, value: unknown): Promise<SettingValue> {
  const checked = validateSettingValue(def, value);
  if (!checked.ok) throw invalid('value', `Invalid value for '${def.key}': ${checked.reason}`);
  if (holdsGroupIds(def) && Array.isArray(value)) {
    const members = value as string[];
    const existing = new Set(
      await repos.groups.existing(
        orgId,
        members.filter((m) => UUID.test(m)),
      ),
    );
    for (const [i, m] of members.entries()) if (!existing.has(m)) throw invalid(`value.${i}`, `Group ${m} does not exist`);
  }
  return checked.value;
}

/** The values set on the target's level that the catalogue still knows there (stale keys are hidden). */
export async function listLevel(repos: Repos, t: ResolvedTarget): Promise<StoredSettingRow[]> {
  const rows = await repos.settings.list(t.access.orgId, t.level, t.targetId);
  return rows.filter((r) => {
    const def = findSetting(r.key);
    return def !== undefined && settingAllowedAt(def, t.level);
  });
}

/** One value set on the target's level, or 404 when the level does not set it. */
export async function readSetting(repos: Repos, t: ResolvedTarget, key: string): Promise<StoredSettingRow> {
  definitionAt(key, t.level);
  const row = await repos.settings.getOne(t.access.orgId, t.level, t.targetId, key);
  if (!row) throw new AppError('not_found', `'${key}' is not set on this ${t.level}`, 'key');
  return row;
}

function auditResource(t: ResolvedTarget, key: string) {
  return { type: 'setting', id: `${t.level}/${t.targetId}/${key}` };
}

/** Sets a value on the target's level (creating or replacing it) and audits the change. */
export async function putSetting(repos: Repos, t: ResolvedTarget, key: string, value: unknown): Promise<StoredSettingRow> {
  const { orgId } = t.access;
  const def = definitionAt(key, t.level);
  const normalized = await checkValue(repos, orgId, def, value);
  const before = await repos.settings.getOne(orgId, t.level, t.targetId, key);
  await repos.settings.put(orgId, t.level, t.targetId, key, normalized);
  const after = await repos.settings.getOne(orgId, t.level, t.targetId, key);
  if (!after) throw notFound('Setting');
  const shape = (v: unknown) => ({ level: t.level, targetId: t.targetId, key, value: v });
  await audit(repos, t.access.principal, orgId, 'setting.put', auditResource(t, key), before ? shape(before.value) : null, shape(after.value));
  return after;
}

/** Removes a value from the target's level, so the broader levels decide again. */
export async function deleteSetting(repos: Repos, t: ResolvedTarget, key: string): Promise<void> {
  const before = await readSetting(repos, t, key);
  await repos.settings.remove(t.access.orgId, t.level, t.targetId, key);
  await audit(
    repos,
    t.access.principal,
    t.access.orgId,
    'setting.delete',
    auditResource(t, key),
    { level: t.level, targetId: t.targetId, key, value: before.value },
    null,
  );
}

/** Parses `?keys=a,b` into catalogue entries; an unknown key is a 400 naming `keys`. */
export function definitionsFor(keys: string | undefined): readonly SettingDefinition[] {
  if (keys === undefined) return SETTINGS;
  const wanted = [
    ...new Set(
      keys
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k.length > 0),
    ),
  ];
  return wanted.map((k) => {
    const def = findSetting(k);
    if (!def) throw invalid('keys', `Unknown setting '${k}'`);
    return def;
  });
}

/**
 * A user's effective settings with the level that decided each. Anyone may read their own; admins
 * read those of users in their scope. Two queries for the layers, none more for an org admin.
 */
export async function effectiveSettings(
  repos: Repos,
  cache: OrgReadCache,
  principal: Principal,
  orgId: string,
  userId: string,
  defs: readonly SettingDefinition[],
): Promise<EffectiveSetting[]> {
  const self = principal.kind === 'user' && principal.orgId === orgId && principal.id === userId;
  const scope: Scope = self ? { kind: 'organization' } : (await authorize(repos, principal, orgId, 'settings:read')).scope;
  // Both come from versioned in-memory read models: this endpoint is on every call's hot path.
  const [directory, layers] = await Promise.all([userDirectory(cache, repos, orgId), settingsLayers(cache, repos, orgId)]);
  const user = directory.get(userId);
  if (!user || !scopeHasUser(scope, user.groupIds)) throw notFound('User');
  return resolveEffectiveSettings(layers.inputFor(userId), defs);
}
