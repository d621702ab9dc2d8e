import { isSummedSetting, type SettingDefinition } from '../../core/settings/catalogue.ts';
import type { EffectiveSetting } from '../../core/settings/resolve.ts';
import type { StoredSettingRow } from '../../store/repos/settings-repo.ts';

/** One catalogue entry: where it can be set, what values it takes, and whether levels are summed. */
export function presentDefinition(def: SettingDefinition) {
  // `summed` is reported once, for every kind of setting, beside the value type.
  const valueType = Object.fromEntries(Object.entries(def.value).filter(([k]) => k !== 'summed'));
  return {
    key: def.key,
    category: def.category,
    description: def.description,
    levels: def.levels,
    type: def.value.type,
    valueType,
    default: def.default,
    summed: isSummedSetting(def),
  };
}

/** A value set on one level of one target. */
export function presentStoredSetting(level: string, targetId: string, s: StoredSettingRow) {
  return { key: s.key, level, targetId, value: s.value, updatedAt: s.updatedAt };
}

/** A user's effective setting: the value, the level that decided it and every level's contribution. */
export function presentEffective(e: EffectiveSetting) {
  return { key: e.key, value: e.value, source: e.source, contributions: e.contributions };
}
