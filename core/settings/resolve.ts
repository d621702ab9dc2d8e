// Effective settings of a user from organization, group and user levels (SPEC §2).
import type { SettingDefinition, SettingLevel, SettingValue } from './types.ts';
import { SETTINGS, isSummedSetting, settingAllowedAt, sortSetMembers, validateSettingValue } from './catalogue.ts';

/** One configured value of a setting on some level. */
export interface SettingEntry {
  key: string;
  value: SettingValue;
}

/** The settings configured on one of the user's groups; priority 1 is the highest. */
export interface GroupSettings {
  groupId: string;
  groupName: string;
  priority: number;
  entries: readonly SettingEntry[];
}

/** Where an effective value (or one contribution to it) comes from. */
export type SettingSource =
  { level: 'default' } | { level: 'organization' } | { level: 'group'; groupId: string; groupName: string; priority: number } | { level: 'user' };

/** One level's configured value of a setting, as used in an explanation. */
export interface SettingContribution {
  source: SettingSource;
  value: SettingValue;
}

/** The effective value of a setting for a user, with the levels that explain it. */
export interface EffectiveSetting {
  key: string;
  value: SettingValue;
  source: SettingSource;
  contributions: readonly SettingContribution[];
}

/** Everything configured for one user: the organization, each of the user's groups, and the user. */
export interface SettingsInput {
  organization: readonly SettingEntry[];
  groups: readonly GroupSettings[];
  user: readonly SettingEntry[];
}

/** Orders groups by precedence: smallest priority first, ties by groupName then groupId (code-unit order). */
export function compareGroupPrecedence(a: GroupSettings, b: GroupSettings): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.groupName !== b.groupName) return a.groupName < b.groupName ? -1 : 1;
  if (a.groupId !== b.groupId) return a.groupId < b.groupId ? -1 : 1;
  return 0;
}

interface Layer {
  source: SettingSource;
  level: SettingLevel;
  values: ReadonlyMap<string, SettingValue>;
}

/**
 * Indexes one level's entries by key, keeping only keys the catalogue knows, that the level allows,
 * and whose value validates (normalized). A key repeated on one level: the last entry wins.
 */
function indexEntries(entries: readonly SettingEntry[], level: SettingLevel, byKey: ReadonlyMap<string, SettingDefinition>): ReadonlyMap<string, SettingValue> {
  const out = new Map<string, SettingValue>();
  for (const entry of entries) {
    const def = byKey.get(entry.key);
    if (def === undefined || !settingAllowedAt(def, level)) continue;
    const checked = validateSettingValue(def, entry.value);
    if (checked.ok) out.set(entry.key, checked.value);
  }
  return out;
}

/** Builds the layers in precedence order: user, groups by priority, organization. */
function buildLayers(input: SettingsInput, byKey: ReadonlyMap<string, SettingDefinition>): Layer[] {
  const groups = [...input.groups].sort(compareGroupPrecedence);
  return [
    { source: { level: 'user' }, level: 'user', values: indexEntries(input.user, 'user', byKey) },
    ...groups.map((g): Layer => ({
      source: { level: 'group', groupId: g.groupId, groupName: g.groupName, priority: g.priority },
      level: 'group',
      values: indexEntries(g.entries, 'group', byKey),
    })),
    {
      source: { level: 'organization' },
      level: 'organization',
      values: indexEntries(input.organization, 'organization', byKey),
    },
  ];
}

function resolveOne(def: SettingDefinition, layers: readonly Layer[]): EffectiveSetting {
  const contributions: SettingContribution[] = [];
  for (const layer of layers) {
    const value = layer.values.get(def.key);
    if (value !== undefined) contributions.push({ source: layer.source, value });
  }
  const first = contributions[0];
  if (first === undefined) {
    return { key: def.key, value: def.default, source: { level: 'default' }, contributions };
  }
  if (!isSummedSetting(def)) {
    return { key: def.key, value: first.value, source: first.source, contributions };
  }
  // Checkboxes are summed: an unchecked box on a narrower level never clears a broader one.
  if (def.value.type === 'boolean') {
    const granting = contributions.find((c) => c.value === true) ?? first;
    return { key: def.key, value: granting.value, source: granting.source, contributions };
  }
  const members = contributions.flatMap((c) => c.value as readonly string[]);
  const adding = contributions.find((c) => (c.value as readonly string[]).length > 0) ?? first;
  return { key: def.key, value: sortSetMembers(def.value, members), source: adding.source, contributions };
}

function catalogueIndex(catalogue: readonly SettingDefinition[]): ReadonlyMap<string, SettingDefinition> {
  const byKey = new Map<string, SettingDefinition>();
  for (const def of catalogue) if (!byKey.has(def.key)) byKey.set(def.key, def);
  return byKey;
}

/**
 * Resolves every catalogue setting for one user, in catalogue order. Scalars: user > best-priority
 * group > organization > default. Sets: union of every level that set them (default if none);
 * `source` is the most specific level that added a member. Summed (permission) booleans: true if
 * any level set true (default if none set them); `source` is the most specific level that set true,
 * else the most specific level that set false. Unknown keys, keys on a level the setting does not
 * allow, and invalid values are ignored.
 */
export function resolveEffectiveSettings(input: SettingsInput, catalogue: readonly SettingDefinition[] = SETTINGS): EffectiveSetting[] {
  const byKey = catalogueIndex(catalogue);
  const layers = buildLayers(input, byKey);
  return [...byKey.values()].map((def) => resolveOne(def, layers));
}

/** Resolves one setting for one user (see resolveEffectiveSettings); undefined for an unknown key. */
export function resolveEffectiveSetting(key: string, input: SettingsInput, catalogue: readonly SettingDefinition[] = SETTINGS): EffectiveSetting | undefined {
  const def = catalogue.find((d) => d.key === key);
  if (def === undefined) return undefined;
  return resolveOne(def, buildLayers(input, new Map([[key, def]])));
}
