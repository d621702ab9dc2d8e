// Types of the settings catalogue (SPEC §2). Re-exported by catalogue.ts, which is the public entry.

/** A level a setting can be configured on; precedence is user > group > organization. */
export type SettingLevel = 'organization' | 'group' | 'user';

/**
 * The shape and constraints of a setting's value. `set` settings and booleans marked `summed`
 * (permissions a level grants) are summed across levels; everything else is most-specific-wins.
 */
export type SettingValueType =
  | { type: 'boolean'; summed?: true /* a permission checkbox: true on any level grants it */ }
  | { type: 'integer'; min: number; max: number }
  | { type: 'string'; maxLength: number; pattern?: string /* regex source */ }
  | { type: 'enum'; values: readonly string[] }
  | {
      type: 'set';
      values?: readonly string[] /* allowed members; omitted = any id string (e.g. group ids) */;
      maxItems: number;
    };

/** A configured or effective value of a setting. */
export type SettingValue = boolean | number | string | null | readonly string[];

/** One entry of the settings catalogue. */
export interface SettingDefinition {
  key: string;
  category: string;
  description: string;
  levels: readonly SettingLevel[];
  value: SettingValueType;
  default: SettingValue;
}

/** Every level, broadest first. */
export const ALL_LEVELS: readonly SettingLevel[] = Object.freeze(['organization', 'group', 'user']);

/** Organization and user groups (e.g. group-scoped grants that make no sense per user). */
export const ORG_AND_GROUP: readonly SettingLevel[] = Object.freeze(['organization', 'group']);

/** Organization level only. */
export const ORG_ONLY: readonly SettingLevel[] = Object.freeze(['organization']);

/** Maximum number of group ids a group-list setting may hold. */
export const MAX_GROUP_IDS = 500;

/** Value type of a yes/no behaviour choice; the most specific level wins. */
export const BOOLEAN_VALUE: SettingValueType = Object.freeze({ type: 'boolean' });

/** Value type of a yes/no permission a level grants; summed (OR) across levels. */
export const PERMISSION_VALUE: SettingValueType = Object.freeze({ type: 'boolean', summed: true });

/** Value type of a list of group ids; summed (union) across levels. */
export const GROUP_ID_SET: SettingValueType = Object.freeze({ type: 'set', maxItems: MAX_GROUP_IDS });

/** Value type of an optional phone number: E.164 (`+4588887700`) or digits (`201`); '' = none. */
export const PHONE_NUMBER_OR_EMPTY: SettingValueType = Object.freeze({
  type: 'string',
  maxLength: 21,
  pattern: '^(?:\\+?[0-9]{1,20})?$',
});

/** Value type of an optional voice-prompt id; '' = none (the system behaviour described). */
export const PROMPT_ID_OR_EMPTY: SettingValueType = Object.freeze({
  type: 'string',
  maxLength: 64,
  pattern: '^[A-Za-z0-9._:-]*$',
});
