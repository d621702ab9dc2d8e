import { describe, it, expect } from 'vitest';
import {
  APPLICATIONS,
  BOOLEAN_VALUE,
  LANGUAGES,
  MAX_GROUP_IDS,
  MAX_SET_ID_LENGTH,
  PERMISSION_VALUE,
  ROUTING_DESTINATION_KINDS,
  SETTINGS,
  findSetting,
  isSummedSetting,
  settingAllowedAt,
  sortSetMembers,
  validateSettingValue,
} from './catalogue.ts';
import type { SettingDefinition } from './catalogue.ts';

function setting(key: string): SettingDefinition {
  const def = findSetting(key);
  if (def === undefined) throw new Error(`missing setting ${key}`);
  return def;
}

function reasonOf(def: SettingDefinition, value: unknown): string {
  const r = validateSettingValue(def, value);
  if (r.ok) throw new Error(`expected ${JSON.stringify(value)} to be rejected for ${def.key}`);
  return r.reason;
}

describe('settings catalogue integrity', () => {
  it('has unique keys', () => {
    const keys = SETTINGS.map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses dotted lowercase keys', () => {
    for (const def of SETTINGS) expect(def.key).toMatch(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/);
  });

  it('gives every setting a category, a description and at least one distinct known level', () => {
    for (const def of SETTINGS) {
      expect(def.category).toMatch(/^[a-z_]+$/);
      expect(def.description.length).toBeGreaterThan(10);
      expect(def.levels.length).toBeGreaterThan(0);
      expect(new Set(def.levels).size).toBe(def.levels.length);
      for (const level of def.levels) expect(['organization', 'group', 'user']).toContain(level);
    }
  });

  it('accepts every default under its own validation, already normalized', () => {
    for (const def of SETTINGS) {
      const r = validateSettingValue(def, def.default);
      expect(r, def.key).toEqual({ ok: true, value: def.default });
    }
  });

  it('bounds every integer setting with finite min <= max', () => {
    for (const def of SETTINGS) {
      if (def.value.type !== 'integer') continue;
      expect(Number.isInteger(def.value.min), def.key).toBe(true);
      expect(Number.isInteger(def.value.max), def.key).toBe(true);
      expect(def.value.min).toBeLessThanOrEqual(def.value.max);
    }
  });

  it('gives every enum and enumerated set distinct non-empty members and sets a positive maxItems', () => {
    for (const def of SETTINGS) {
      const vt = def.value;
      if (vt.type === 'enum' || (vt.type === 'set' && vt.values !== undefined)) {
        const values = vt.values ?? [];
        expect(values.length, def.key).toBeGreaterThan(0);
        expect(new Set(values).size).toBe(values.length);
      }
      if (vt.type === 'set') expect(vt.maxItems).toBeGreaterThan(0);
    }
  });

  it('compiles every string pattern and bounds every string length', () => {
    for (const def of SETTINGS) {
      if (def.value.type !== 'string') continue;
      expect(def.value.maxLength).toBeGreaterThan(0);
      const { pattern } = def.value;
      if (pattern !== undefined) expect(() => new RegExp(pattern, 'u'), def.key).not.toThrow();
    }
  });

  it('is frozen so callers cannot change definitions', () => {
    expect(Object.isFrozen(SETTINGS)).toBe(true);
    const def = setting('pickup.groups');
    expect(Object.isFrozen(def)).toBe(true);
    expect(Object.isFrozen(def.levels)).toBe(true);
    expect(Object.isFrozen(setting('applications.allowed').default)).toBe(true);
  });
});

describe('settings catalogue coverage of SPEC §8', () => {
  it('contains every service and permission of SPEC §8', () => {
    const required = [
      'pickup.groups',
      'pickup.parked_groups',
      'intrusion.groups',
      'diversion_bypass.groups',
      'monitoring.groups',
      'directory.search_groups',
      'directory.editable_fields',
      'sms.allowed',
      'working_hours.extend_allowed',
      'future_presence.view_groups',
      'future_presence.edit_groups',
      'transfer.ring_time_seconds',
      'ring_tones.internal',
      'ring_tones.external',
      'music_on_hold.class',
      'calls.anonymous_outgoing_allowed',
      'transfer.blind_from_desk_phone',
      'directory.mobile_numbers_visible',
      'directory.default_search_number',
      'directory.own_photo_editable',
      'personal_queue.max_calls',
      'personal_queue.callback_key',
      'personal_queue.callback_conversion_groups',
      'personal_queue.when_full',
      'personal_queue.forward_number',
      'personal_queue.welcome_prompt',
      'personal_queue.waiting_prompt',
      'personal_queue.status_prompt',
      'personal_queue.status_interval_seconds',
      'voicemail.announce_activity',
      'voicemail.announce_last_end_time',
      'voicemail.assistance_enabled',
      'voicemail.assistance_number',
      'voicemail.bypass_enabled',
      'voicemail.notify_sms',
      'voicemail.notify_email',
      'voicemail.download_to_mobile',
      'voicemail.hide_portal_link',
      'voicemail.personal_greeting_allowed',
      'voicemail.default_greeting',
      'voicemail.user_may_disable',
      'voicemail.callers_may_leave_messages',
      'voicemail.retention_days',
      'voicemail.max_inbox_mb',
      'applications.allowed',
      'routing.allowed_destinations',
      'user.language',
    ];
    for (const key of required) expect(findSetting(key), key).toBeDefined();
  });

  it('models group lists and permission checkboxes as summed sets', () => {
    for (const key of ['pickup.groups', 'intrusion.groups', 'monitoring.groups', 'future_presence.edit_groups']) {
      const def = setting(key);
      expect(def.value).toEqual({ type: 'set', maxItems: MAX_GROUP_IDS });
      expect(isSummedSetting(def)).toBe(true);
    }
    expect(isSummedSetting(setting('transfer.ring_time_seconds'))).toBe(false);
  });

  it('sums every permission boolean and keeps every behaviour boolean most-specific-wins', () => {
    const permissions = [
      'directory.own_photo_editable',
      'sms.allowed',
      'working_hours.extend_allowed',
      'working_hours.night_mode_override_allowed',
      'calls.anonymous_outgoing_allowed',
      'calls.presented_number_choice_allowed',
      'calls.pull_active_call_allowed',
      'forwarding.external_allowed',
      'devices.mobile_voip_allowed',
      'devices.hot_desking_allowed',
      'voicemail.personal_greeting_allowed',
      'voicemail.user_may_disable',
    ];
    const behaviours = [
      'directory.mobile_numbers_visible',
      'transfer.blind_from_desk_phone',
      'calls.call_waiting',
      'voicemail.announce_activity',
      'voicemail.announce_last_end_time',
      'voicemail.assistance_enabled',
      'voicemail.bypass_enabled',
      'voicemail.notify_sms',
      'voicemail.download_to_mobile',
      'voicemail.hide_portal_link',
      'voicemail.callers_may_leave_messages',
    ];
    for (const key of permissions) {
      expect(setting(key).value, key).toEqual({ type: 'boolean', summed: true });
      expect(isSummedSetting(setting(key)), key).toBe(true);
    }
    for (const key of behaviours) {
      expect(setting(key).value, key).toEqual({ type: 'boolean' });
      expect(isSummedSetting(setting(key)), key).toBe(false);
    }
    // Every boolean in the catalogue is classified, so a new one needs a deliberate choice.
    const booleans = SETTINGS.filter((d) => d.value.type === 'boolean').map((d) => d.key);
    expect([...booleans].sort()).toEqual([...permissions, ...behaviours].sort());
  });

  it('keeps the summed flag and freezes the value type of permission booleans', () => {
    const vt = setting('sms.allowed').value;
    expect(Object.isFrozen(vt)).toBe(true);
    expect(vt).toEqual(PERMISSION_VALUE);
    expect(BOOLEAN_VALUE).toEqual({ type: 'boolean' });
    expect(Object.isFrozen(PERMISSION_VALUE)).toBe(true);
  });

  it('bounds transfer ring time to 5–300 seconds with a default of 20', () => {
    const def = setting('transfer.ring_time_seconds');
    expect(def.value).toEqual({ type: 'integer', min: 5, max: 300 });
    expect(def.default).toBe(20);
  });

  it('offers the template music-on-hold classes and defaults to all three combined', () => {
    const def = setting('music_on_hold.class');
    expect(def.value).toEqual({ type: 'enum', values: ['fpm-calmriver', 'fpm-sunshine', 'fpm-worldmix', 'fpm-all'] });
    expect(def.default).toBe('fpm-all');
  });

  it('limits the personal queue to 0–50 calls (default 5) and callback key to none or 5', () => {
    expect(setting('personal_queue.max_calls').value).toEqual({ type: 'integer', min: 0, max: 50 });
    expect(setting('personal_queue.max_calls').default).toBe(5);
    expect(setting('personal_queue.callback_key').value).toEqual({ type: 'enum', values: ['none', '5'] });
    expect(setting('personal_queue.when_full').value).toEqual({ type: 'enum', values: ['busy', 'forward'] });
  });

  it('lists editable directory fields 1 to 6, the four applications and the five languages', () => {
    expect(setting('directory.editable_fields').value).toEqual({
      type: 'set',
      values: ['1', '2', '3', '4', '5', '6'],
      maxItems: 6,
    });
    expect(APPLICATIONS).toEqual(['web_softphone', 'ipad', 'unified_inbox', 'collaboration']);
    expect(setting('user.language').value).toEqual({ type: 'enum', values: [...LANGUAGES] });
    expect(LANGUAGES).toEqual(['en', 'da', 'sv', 'nb', 'fr']);
  });

  it('restricts some settings to the levels the SPEC describes', () => {
    const levels = (key: string): readonly string[] => setting(key).levels;
    expect(levels('voicemail.max_inbox_mb')).toEqual(['organization']);
    expect(levels('user.language')).toEqual(['organization', 'group', 'user']);
    expect(levels('routing.allowed_destinations')).toEqual(['organization', 'group']);
    expect(setting('routing.allowed_destinations').default).toEqual(ROUTING_DESTINATION_KINDS);
  });
});

describe('findSetting and settingAllowedAt', () => {
  it('finds a setting by key and returns undefined for an unknown key', () => {
    expect(findSetting('voicemail.retention_days')?.category).toBe('voicemail');
    expect(findSetting('no.such_setting')).toBeUndefined();
    expect(findSetting('')).toBeUndefined();
  });

  it('reports which levels a setting may be set on', () => {
    const inbox = setting('voicemail.max_inbox_mb');
    expect(settingAllowedAt(inbox, 'organization')).toBe(true);
    expect(settingAllowedAt(inbox, 'group')).toBe(false);
    expect(settingAllowedAt(inbox, 'user')).toBe(false);
    expect(settingAllowedAt(setting('user.language'), 'user')).toBe(true);
  });
});

describe('validateSettingValue', () => {
  it('accepts booleans and rejects look-alikes with a reason', () => {
    const def = setting('sms.allowed');
    expect(validateSettingValue(def, true)).toEqual({ ok: true, value: true });
    expect(validateSettingValue(def, false)).toEqual({ ok: true, value: false });
    expect(validateSettingValue(setting('voicemail.hide_portal_link'), false)).toEqual({ ok: true, value: false });
    expect(reasonOf(def, 'true')).toMatch(/boolean/);
    expect(reasonOf(def, 1)).toMatch(/boolean/);
    expect(reasonOf(def, null)).toMatch(/null/);
  });

  it('accepts integers at both bounds and rejects out-of-range, fractional and non-numbers', () => {
    const def = setting('transfer.ring_time_seconds');
    expect(validateSettingValue(def, 5)).toEqual({ ok: true, value: 5 });
    expect(validateSettingValue(def, 300)).toEqual({ ok: true, value: 300 });
    expect(reasonOf(def, 4)).toMatch(/between 5 and 300/);
    expect(reasonOf(def, 301)).toMatch(/between 5 and 300/);
    expect(reasonOf(def, 20.5)).toMatch(/integer/);
    expect(reasonOf(def, Number.NaN)).toMatch(/integer/);
    expect(reasonOf(def, Number.POSITIVE_INFINITY)).toMatch(/integer/);
    expect(reasonOf(def, '20')).toMatch(/integer/);
  });

  it('rejects over-long and malformed strings and accepts the empty "none" value', () => {
    const def = setting('voicemail.assistance_number');
    expect(validateSettingValue(def, '+4655512345')).toEqual({ ok: true, value: '+4655512345' });
    expect(validateSettingValue(def, '')).toEqual({ ok: true, value: '' });
    expect(reasonOf(def, `+${'1'.repeat(30)}`)).toMatch(/too long/);
    expect(reasonOf(def, '12ab')).toMatch(/format/);
    expect(reasonOf(def, 4655512345)).toMatch(/string/);
  });

  it('rejects enum values outside the list, naming the allowed ones', () => {
    const def = setting('music_on_hold.class');
    expect(validateSettingValue(def, 'fpm-sunshine')).toEqual({ ok: true, value: 'fpm-sunshine' });
    expect(reasonOf(def, 'fpm-jazz')).toMatch(/not one of: fpm-calmriver/);
    expect(reasonOf(def, 'FPM-ALL')).toMatch(/not one of/);
    expect(reasonOf(def, ['fpm-all'])).toMatch(/string/);
  });

  it('rejects unknown set members, non-lists and non-string members', () => {
    const def = setting('applications.allowed');
    expect(reasonOf(def, ['web_softphone', 'fax'])).toMatch(/"fax" is not one of/);
    expect(reasonOf(def, 'ipad')).toMatch(/list/);
    expect(reasonOf(def, [1])).toMatch(/string/);
    expect(reasonOf(def, null)).toMatch(/list/);
  });

  it('deduplicates set members and sorts them in catalogue order', () => {
    const def = setting('applications.allowed');
    expect(validateSettingValue(def, ['collaboration', 'ipad', 'web_softphone', 'ipad'])).toEqual({
      ok: true,
      value: ['web_softphone', 'ipad', 'collaboration'],
    });
  });

  it('sorts group id sets in code-unit order and leaves the input untouched', () => {
    const def = setting('pickup.groups');
    const input = ['g-b', 'G-a', 'g-a'];
    expect(validateSettingValue(def, input)).toEqual({ ok: true, value: ['G-a', 'g-a', 'g-b'] });
    expect(input).toEqual(['g-b', 'G-a', 'g-a']);
  });

  it('rejects sets with more items than allowed', () => {
    const ids = Array.from({ length: MAX_GROUP_IDS + 1 }, (_, i) => `group-${i}`);
    expect(reasonOf(setting('pickup.groups'), ids)).toMatch(`at most ${MAX_GROUP_IDS} items`);
    expect(validateSettingValue(setting('pickup.groups'), ids.slice(1)).ok).toBe(true);
    const custom: SettingDefinition = {
      key: 'test.few',
      category: 'test',
      description: 'A set of at most two members.',
      levels: ['user'],
      value: { type: 'set', values: ['a', 'b', 'c'], maxItems: 2 },
      default: [],
    };
    expect(reasonOf(custom, ['a', 'b', 'c'])).toMatch(/at most 2 items allowed, got 3/);
    expect(validateSettingValue(custom, ['a', 'a', 'b']).ok).toBe(true);
  });

  it('rejects empty, padded and over-long ids in id sets', () => {
    const def = setting('intrusion.groups');
    expect(reasonOf(def, [''])).toMatch(/non-empty/);
    expect(reasonOf(def, [' g1'])).toMatch(/spaces/);
    expect(reasonOf(def, ['x'.repeat(MAX_SET_ID_LENGTH + 1)])).toMatch(/longer than/);
    expect(validateSettingValue(def, ['x'.repeat(MAX_SET_ID_LENGTH)]).ok).toBe(true);
  });

  it('applies string patterns to the whole value', () => {
    const custom: SettingDefinition = {
      key: 'test.code',
      category: 'test',
      description: 'A three-letter code for tests.',
      levels: ['organization'],
      value: { type: 'string', maxLength: 10, pattern: '^[A-Z]{3}$' },
      default: 'ABC',
    };
    expect(validateSettingValue(custom, 'XYZ').ok).toBe(true);
    expect(reasonOf(custom, 'XYZW')).toMatch(/format/);
  });
});

describe('sortSetMembers', () => {
  it('orders enumerated members as the catalogue lists them and drops duplicates', () => {
    const vt = setting('routing.allowed_destinations').value;
    expect(sortSetMembers(vt, ['voicemail', 'desk_phone', 'voicemail'])).toEqual(['desk_phone', 'voicemail']);
  });
});
