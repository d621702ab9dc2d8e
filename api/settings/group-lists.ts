import { SETTINGS, type SettingDefinition } from '../../core/settings/catalogue.ts';

/**
 * Whether a setting holds a list of user-group ids: a set without a fixed list of members (the
 * catalogue's GROUP_ID_SET). Its members must be groups of the organization.
 */
export function holdsGroupIds(def: SettingDefinition): boolean {
  return def.value.type === 'set' && def.value.values === undefined;
}

/** Keys of every setting that lists group ids; a deleted group is removed from their values. */
export const GROUP_LIST_SETTING_KEYS: readonly string[] = SETTINGS.filter(holdsGroupIds).map((d) => d.key);
