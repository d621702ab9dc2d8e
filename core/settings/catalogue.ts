// The typed catalogue of settings (SPEC §2, §8): definitions, lookup and value validation.
import type { SettingDefinition, SettingLevel, SettingValue, SettingValueType } from './types.ts';
import { SERVICE_SETTINGS } from './catalogue-services.ts';
import { PERSONAL_QUEUE_SETTINGS, VOICEMAIL_SETTINGS } from './catalogue-voicemail.ts';

export type { SettingDefinition, SettingLevel, SettingValue, SettingValueType } from './types.ts';
export { ALL_LEVELS, BOOLEAN_VALUE, MAX_GROUP_IDS, PERMISSION_VALUE } from './types.ts';
export { APPLICATIONS, DIRECTORY_FIELD_NUMBERS, LANGUAGES, MUSIC_ON_HOLD_CLASSES, ROUTING_DESTINATION_KINDS, SNOM_RING_TONES } from './catalogue-services.ts';

/** Longest member of a set of ids (group ids and the like). */
export const MAX_SET_ID_LENGTH = 128;

/** Result of validating a value against a setting definition; `value` is normalized. */
export type SettingValidation = { ok: true; value: SettingValue } | { ok: false; reason: string };

function freezeDefinition(def: SettingDefinition): SettingDefinition {
  const vt = def.value;
  const value = Object.freeze(
    (vt.type === 'enum' || vt.type === 'set') && vt.values !== undefined ? { ...vt, values: Object.freeze([...vt.values]) } : { ...vt },
  ) as SettingValueType;
  const dflt = Array.isArray(def.default) ? Object.freeze([...(def.default as readonly string[])]) : def.default;
  return Object.freeze({ ...def, levels: Object.freeze([...def.levels]), value, default: dflt });
}

/** Every known setting, grouped by category in portal order. */
export const SETTINGS: readonly SettingDefinition[] = Object.freeze(
  [...SERVICE_SETTINGS, ...PERSONAL_QUEUE_SETTINGS, ...VOICEMAIL_SETTINGS].map(freezeDefinition),
);

const SETTINGS_BY_KEY: ReadonlyMap<string, SettingDefinition> = new Map(SETTINGS.map((d) => [d.key, d]));

/** Looks a setting up by key in the built-in catalogue. */
export function findSetting(key: string): SettingDefinition | undefined {
  return SETTINGS_BY_KEY.get(key);
}

/** Whether a setting may be configured on the given level. */
export function settingAllowedAt(def: SettingDefinition, level: SettingLevel): boolean {
  return def.levels.includes(level);
}

/** Whether a setting is a checkbox summed across levels: a set (union) or a permission boolean (OR). */
export function isSummedSetting(def: SettingDefinition): boolean {
  const vt = def.value;
  return vt.type === 'set' || (vt.type === 'boolean' && vt.summed === true);
}

/** Sorts set members deterministically: catalogue order for enumerated sets, code-unit order otherwise. */
export function sortSetMembers(valueType: SettingValueType, members: Iterable<string>): readonly string[] {
  const unique = [...new Set(members)];
  if (valueType.type === 'set' && valueType.values !== undefined) {
    const order = valueType.values;
    unique.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  } else {
    unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  return Object.freeze(unique);
}

const patternCache = new Map<string, RegExp>();

function compiledPattern(source: string): RegExp {
  let re = patternCache.get(source);
  if (re === undefined) {
    re = new RegExp(source, 'u');
    patternCache.set(source, re);
  }
  return re;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

function validateSet(vt: Extract<SettingValueType, { type: 'set' }>, value: unknown): SettingValidation {
  if (!Array.isArray(value)) return { ok: false, reason: `expected a list of strings, got ${describeValue(value)}` };
  for (const member of value as unknown[]) {
    if (typeof member !== 'string') {
      return { ok: false, reason: `every list member must be a string, got ${describeValue(member)}` };
    }
    if (vt.values !== undefined) {
      if (!vt.values.includes(member)) {
        return { ok: false, reason: `${quote(member)} is not one of: ${vt.values.join(', ')}` };
      }
    } else if (member.trim() === '' || member !== member.trim()) {
      return { ok: false, reason: 'list members must be non-empty ids without surrounding spaces' };
    } else if (member.length > MAX_SET_ID_LENGTH) {
      return { ok: false, reason: `list member longer than ${MAX_SET_ID_LENGTH} characters` };
    }
  }
  const members = sortSetMembers(vt, value as string[]);
  if (members.length > vt.maxItems) {
    return { ok: false, reason: `at most ${vt.maxItems} items allowed, got ${members.length}` };
  }
  return { ok: true, value: members };
}

/** Checks a value against a setting's type and limits; on success returns it normalized (sets deduped, sorted). */
export function validateSettingValue(def: SettingDefinition, value: unknown): SettingValidation {
  const vt = def.value;
  switch (vt.type) {
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, reason: `expected a boolean, got ${describeValue(value)}` };
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        const got = typeof value === 'number' ? String(value) : describeValue(value);
        return { ok: false, reason: `expected an integer, got ${got}` };
      }
      if (value < vt.min || value > vt.max) {
        return { ok: false, reason: `${value} is out of range: must be between ${vt.min} and ${vt.max}` };
      }
      return { ok: true, value };
    case 'string':
      if (typeof value !== 'string') return { ok: false, reason: `expected a string, got ${describeValue(value)}` };
      if (value.length > vt.maxLength) {
        return { ok: false, reason: `too long: at most ${vt.maxLength} characters, got ${value.length}` };
      }
      if (vt.pattern !== undefined && !compiledPattern(vt.pattern).test(value)) {
        return { ok: false, reason: `${quote(value)} does not match the required format ${vt.pattern}` };
      }
      return { ok: true, value };
    case 'enum':
      if (typeof value !== 'string') return { ok: false, reason: `expected a string, got ${describeValue(value)}` };
      if (!vt.values.includes(value)) {
        return { ok: false, reason: `${quote(value)} is not one of: ${vt.values.join(', ')}` };
      }
      return { ok: true, value };
    case 'set':
      return validateSet(vt, value);
  }
}
