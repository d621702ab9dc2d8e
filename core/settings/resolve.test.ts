import { describe, it, expect } from 'vitest';
import { SETTINGS, findSetting } from './catalogue.ts';
import type { SettingDefinition } from './catalogue.ts';
import { compareGroupPrecedence, resolveEffectiveSetting, resolveEffectiveSettings } from './resolve.ts';
import type { EffectiveSetting, GroupSettings, SettingEntry, SettingsInput } from './resolve.ts';

const RING = 'transfer.ring_time_seconds';
const PICKUP = 'pickup.groups';
const APPS = 'applications.allowed';

function input(parts: Partial<SettingsInput>): SettingsInput {
  return { organization: parts.organization ?? [], groups: parts.groups ?? [], user: parts.user ?? [] };
}

function group(groupId: string, groupName: string, priority: number, entries: SettingEntry[]): GroupSettings {
  return { groupId, groupName, priority, entries };
}

function resolved(key: string, i: SettingsInput): EffectiveSetting {
  const eff = resolveEffectiveSetting(key, i);
  if (eff === undefined) throw new Error(`no effective setting for ${key}`);
  return eff;
}

const groupSource = (g: GroupSettings) => ({
  level: 'group' as const,
  groupId: g.groupId,
  groupName: g.groupName,
  priority: g.priority,
});

describe('resolveEffectiveSettings without configuration', () => {
  it('returns every catalogue setting, in catalogue order, at its default', () => {
    const all = resolveEffectiveSettings(input({}));
    expect(all.map((e) => e.key)).toEqual(SETTINGS.map((d) => d.key));
    for (const [i, eff] of all.entries()) {
      expect(eff.value).toEqual(SETTINGS[i]?.default);
      expect(eff.source).toEqual({ level: 'default' });
      expect(eff.contributions).toEqual([]);
    }
  });
});

describe('scalar precedence', () => {
  const sales = group('g-sales', 'Sales', 2, [{ key: RING, value: 30 }]);

  it('lets the organization beat the catalogue default', () => {
    const eff = resolved(RING, input({ organization: [{ key: RING, value: 40 }] }));
    expect(eff.value).toBe(40);
    expect(eff.source).toEqual({ level: 'organization' });
  });

  it('lets a group beat the organization', () => {
    const eff = resolved(RING, input({ organization: [{ key: RING, value: 40 }], groups: [sales] }));
    expect(eff.value).toBe(30);
    expect(eff.source).toEqual(groupSource(sales));
  });

  it('lets the user beat groups and organization, listing all contributions in precedence order', () => {
    const eff = resolved(RING, input({ organization: [{ key: RING, value: 40 }], groups: [sales], user: [{ key: RING, value: 15 }] }));
    expect(eff.value).toBe(15);
    expect(eff.source).toEqual({ level: 'user' });
    expect(eff.contributions).toEqual([
      { source: { level: 'user' }, value: 15 },
      { source: groupSource(sales), value: 30 },
      { source: { level: 'organization' }, value: 40 },
    ]);
  });

  it('picks the best-priority group (smallest number) regardless of input order', () => {
    const a = group('g-a', 'Support', 3, [{ key: RING, value: 60 }]);
    const b = group('g-b', 'Administration', 1, [{ key: RING, value: 10 }]);
    const c = group('g-c', 'Agents', 2, [{ key: RING, value: 25 }]);
    for (const groups of [
      [a, b, c],
      [c, b, a],
      [b, a, c],
      [c, a, b],
    ]) {
      const eff = resolved(RING, input({ groups }));
      expect(eff.value).toBe(10);
      expect(eff.source).toEqual(groupSource(b));
      expect(eff.contributions.map((x) => x.value)).toEqual([10, 25, 60]);
    }
  });

  it('skips better-priority groups that do not set the key', () => {
    const top = group('g-top', 'Administration', 1, [{ key: 'music_on_hold.class', value: 'fpm-sunshine' }]);
    const low = group('g-low', 'Sales', 5, [{ key: RING, value: 45 }]);
    const eff = resolved(RING, input({ groups: [top, low], organization: [{ key: RING, value: 40 }] }));
    expect(eff.value).toBe(45);
    expect(eff.source).toEqual(groupSource(low));
  });

  it('breaks priority ties by group name, then by group id', () => {
    const zulu = group('g-1', 'Zulu', 1, [{ key: RING, value: 11 }]);
    const alpha = group('g-9', 'Alpha', 1, [{ key: RING, value: 22 }]);
    expect(resolved(RING, input({ groups: [zulu, alpha] })).value).toBe(22);
    expect(resolved(RING, input({ groups: [alpha, zulu] })).value).toBe(22);

    const twinB = group('g-b', 'Twin', 4, [{ key: RING, value: 33 }]);
    const twinA = group('g-a', 'Twin', 4, [{ key: RING, value: 44 }]);
    expect(resolved(RING, input({ groups: [twinB, twinA] })).value).toBe(44);
    expect(resolved(RING, input({ groups: [twinA, twinB] })).value).toBe(44);
  });

  it('treats an explicit false on a behaviour boolean as a value that overrides a broader true', () => {
    const key = 'voicemail.announce_activity';
    const eff = resolved(key, input({ organization: [{ key, value: true }], user: [{ key, value: false }] }));
    expect(eff.value).toBe(false);
    expect(eff.source).toEqual({ level: 'user' });
  });

  it('does not reorder the caller’s groups array', () => {
    const groups = [group('g-2', 'B', 2, []), group('g-1', 'A', 1, [])];
    resolveEffectiveSettings(input({ groups }));
    expect(groups.map((g) => g.groupId)).toEqual(['g-2', 'g-1']);
  });
});

describe('summed (set) settings', () => {
  it('unions organization, every group and user values, sorted', () => {
    const eff = resolved(
      PICKUP,
      input({
        organization: [{ key: PICKUP, value: ['g-org'] }],
        groups: [group('g1', 'One', 1, [{ key: PICKUP, value: ['g-b', 'g-org'] }]), group('g2', 'Two', 2, [{ key: PICKUP, value: ['g-a'] }])],
        user: [{ key: PICKUP, value: ['g-user'] }],
      }),
    );
    expect(eff.value).toEqual(['g-a', 'g-b', 'g-org', 'g-user']);
    expect(eff.source).toEqual({ level: 'user' });
    expect(eff.contributions.map((c) => c.source.level)).toEqual(['user', 'group', 'group', 'organization']);
  });

  it('keeps a group’s checked box when the user level sets an empty list', () => {
    const sales = group('g-sales', 'Sales', 1, [{ key: PICKUP, value: ['g-reception'] }]);
    const eff = resolved(PICKUP, input({ groups: [sales], user: [{ key: PICKUP, value: [] }] }));
    expect(eff.value).toEqual(['g-reception']);
    expect(eff.source).toEqual(groupSource(sales));
    expect(eff.contributions).toEqual([
      { source: { level: 'user' }, value: [] },
      { source: groupSource(sales), value: ['g-reception'] },
    ]);
  });

  it('keeps an organization-wide checked box that a lower-priority group leaves unchecked', () => {
    const eff = resolved(
      APPS,
      input({
        organization: [{ key: APPS, value: ['ipad'] }],
        groups: [group('g1', 'One', 1, [{ key: APPS, value: [] }])],
      }),
    );
    expect(eff.value).toEqual(['ipad']);
    expect(eff.source).toEqual({ level: 'organization' });
  });

  it('sorts enumerated sets in catalogue order and removes duplicates across levels', () => {
    const eff = resolved(
      APPS,
      input({
        organization: [{ key: APPS, value: ['collaboration', 'web_softphone'] }],
        user: [{ key: APPS, value: ['ipad', 'web_softphone'] }],
      }),
    );
    expect(eff.value).toEqual(['web_softphone', 'ipad', 'collaboration']);
  });

  it('yields an empty set from the most specific level when every level leaves all boxes unchecked', () => {
    const eff = resolved(APPS, input({ organization: [{ key: APPS, value: [] }], user: [{ key: APPS, value: [] }] }));
    expect(eff.value).toEqual([]);
    expect(eff.source).toEqual({ level: 'user' });
    expect(eff.contributions).toHaveLength(2);
  });

  it('falls back to the catalogue default only when no level sets the key', () => {
    const eff = resolved(APPS, input({}));
    expect(eff.value).toEqual(findSetting(APPS)?.default);
    expect(eff.source).toEqual({ level: 'default' });
  });
});

describe('summed (permission) booleans', () => {
  const SMS = 'sms.allowed';
  const NUMBER_CHOICE = 'calls.presented_number_choice_allowed';

  it('keeps an organization-level true when the user level sets false', () => {
    const eff = resolved(SMS, input({ organization: [{ key: SMS, value: true }], user: [{ key: SMS, value: false }] }));
    expect(eff.value).toBe(true);
    expect(eff.source).toEqual({ level: 'organization' });
    expect(eff.contributions).toEqual([
      { source: { level: 'user' }, value: false },
      { source: { level: 'organization' }, value: true },
    ]);
  });

  it('keeps a group-level true when the user level sets false', () => {
    const sales = group('g-sales', 'Sales', 1, [{ key: SMS, value: true }]);
    const eff = resolved(SMS, input({ groups: [sales], user: [{ key: SMS, value: false }] }));
    expect(eff.value).toBe(true);
    expect(eff.source).toEqual(groupSource(sales));
  });

  it('keeps an organization-level true when the best-priority group sets false', () => {
    const key = 'working_hours.extend_allowed';
    const top = group('g-top', 'Administration', 1, [{ key, value: false }]);
    const eff = resolved(key, input({ organization: [{ key, value: true }], groups: [top] }));
    expect(eff.value).toBe(true);
    expect(eff.source).toEqual({ level: 'organization' });
  });

  it('grants on a narrower level even when a broader level sets false', () => {
    const eff = resolved(SMS, input({ organization: [{ key: SMS, value: false }], user: [{ key: SMS, value: true }] }));
    expect(eff.value).toBe(true);
    expect(eff.source).toEqual({ level: 'user' });
  });

  it('names the most specific level that set true as the source', () => {
    const top = group('g-top', 'Administration', 1, [{ key: SMS, value: false }]);
    const low = group('g-low', 'Sales', 2, [{ key: SMS, value: true }]);
    const eff = resolved(SMS, input({ organization: [{ key: SMS, value: true }], groups: [low, top], user: [{ key: SMS, value: false }] }));
    expect(eff.value).toBe(true);
    expect(eff.source).toEqual(groupSource(low));
    expect(eff.contributions).toEqual([
      { source: { level: 'user' }, value: false },
      { source: groupSource(top), value: false },
      { source: groupSource(low), value: true },
      { source: { level: 'organization' }, value: true },
    ]);
    const withUser = resolved(SMS, input({ organization: [{ key: SMS, value: true }], groups: [low], user: [{ key: SMS, value: true }] }));
    expect(withUser.source).toEqual({ level: 'user' });
  });

  it('is false from the most specific level when every level that sets it sets false', () => {
    const sales = group('g-sales', 'Sales', 1, [{ key: SMS, value: false }]);
    const eff = resolved(SMS, input({ organization: [{ key: SMS, value: false }], groups: [sales] }));
    expect(eff.value).toBe(false);
    expect(eff.source).toEqual(groupSource(sales));
    expect(eff.contributions).toHaveLength(2);
  });

  it('lets an explicit false on any level replace a default of true', () => {
    const eff = resolved(NUMBER_CHOICE, input({ user: [{ key: NUMBER_CHOICE, value: false }] }));
    expect(eff.value).toBe(false);
    expect(eff.source).toEqual({ level: 'user' });
  });

  it('falls back to the catalogue default only when no level sets the key', () => {
    const eff = resolved(NUMBER_CHOICE, input({ organization: [{ key: SMS, value: true }] }));
    expect(eff.value).toBe(true);
    expect(eff.source).toEqual({ level: 'default' });
    expect(eff.contributions).toEqual([]);
  });

  it('ignores non-boolean values so they neither grant nor deny', () => {
    const eff = resolved(SMS, input({ organization: [{ key: SMS, value: 'true' }], user: [{ key: SMS, value: 1 }] }));
    expect(eff.value).toBe(false);
    expect(eff.source).toEqual({ level: 'default' });
  });

  it('still lets the most specific level override a behaviour boolean', () => {
    const key = 'voicemail.hide_portal_link';
    const sales = group('g-sales', 'Sales', 1, [{ key, value: true }]);
    const eff = resolved(key, input({ organization: [{ key, value: true }], groups: [sales], user: [{ key, value: false }] }));
    expect(eff.value).toBe(false);
    expect(eff.source).toEqual({ level: 'user' });
  });

  it('sums a custom-catalogue boolean marked summed but not one left unmarked', () => {
    const catalogue: SettingDefinition[] = [
      {
        key: 'test.grant',
        category: 'test',
        description: 'A summed grant for resolver tests.',
        levels: ['organization', 'user'],
        value: { type: 'boolean', summed: true },
        default: false,
      },
      {
        key: 'test.choice',
        category: 'test',
        description: 'A scalar choice for resolver tests.',
        levels: ['organization', 'user'],
        value: { type: 'boolean' },
        default: false,
      },
    ];
    const i = input({
      organization: [
        { key: 'test.grant', value: true },
        { key: 'test.choice', value: true },
      ],
      user: [
        { key: 'test.grant', value: false },
        { key: 'test.choice', value: false },
      ],
    });
    expect(resolveEffectiveSettings(i, catalogue).map((e) => [e.key, e.value, e.source.level])).toEqual([
      ['test.grant', true, 'organization'],
      ['test.choice', false, 'user'],
    ]);
  });

  it('ignores a summed boolean set to true on a level the setting does not allow', () => {
    const catalogue: SettingDefinition[] = [
      {
        key: 'test.grant',
        category: 'test',
        description: 'A summed grant for resolver tests.',
        levels: ['user'],
        value: { type: 'boolean', summed: true },
        default: false,
      },
    ];
    const eff = resolveEffectiveSetting(
      'test.grant',
      input({ organization: [{ key: 'test.grant', value: true }], user: [{ key: 'test.grant', value: false }] }),
      catalogue,
    );
    expect(eff?.value).toBe(false);
    expect(eff?.source).toEqual({ level: 'user' });
  });
});

describe('ignored entries', () => {
  it('ignores keys that are not in the catalogue without throwing', () => {
    const i = input({ organization: [{ key: 'no.such_key', value: 1 }], user: [{ key: 'bogus', value: true }] });
    expect(() => resolveEffectiveSettings(i)).not.toThrow();
    expect(resolveEffectiveSettings(i).some((e) => e.key === 'no.such_key')).toBe(false);
    expect(resolveEffectiveSetting('no.such_key', i)).toBeUndefined();
  });

  it('ignores values set on a level the setting does not support', () => {
    const inbox = 'voicemail.max_inbox_mb';
    const eff = resolved(
      inbox,
      input({
        organization: [{ key: inbox, value: 200 }],
        groups: [group('g1', 'One', 1, [{ key: inbox, value: 500 }])],
        user: [{ key: inbox, value: 900 }],
      }),
    );
    expect(eff.value).toBe(200);
    expect(eff.source).toEqual({ level: 'organization' });
    expect(eff.contributions).toHaveLength(1);

    const dest = 'routing.allowed_destinations';
    const d = resolved(dest, input({ organization: [{ key: dest, value: ['voicemail'] }], user: [{ key: dest, value: ['mobile'] }] }));
    expect(d.value).toEqual(['voicemail']);
  });

  it('ignores invalid values so the next level applies', () => {
    const eff = resolved(
      RING,
      input({
        organization: [{ key: RING, value: 40 }],
        groups: [group('g1', 'One', 1, [{ key: RING, value: 9999 }])],
        user: [{ key: RING, value: 'twenty' }],
      }),
    );
    expect(eff.value).toBe(40);
    expect(eff.source).toEqual({ level: 'organization' });
  });

  it('uses the last entry when a level repeats a key', () => {
    const eff = resolved(
      RING,
      input({
        user: [
          { key: RING, value: 30 },
          { key: RING, value: 35 },
        ],
      }),
    );
    expect(eff.value).toBe(35);
    expect(eff.contributions).toHaveLength(1);
  });
});

describe('resolveEffectiveSetting', () => {
  it('agrees with the full resolution for every key', () => {
    const i = input({
      organization: [
        { key: RING, value: 40 },
        { key: APPS, value: ['ipad'] },
      ],
      groups: [
        group('g1', 'One', 1, [
          { key: PICKUP, value: ['x'] },
          { key: 'user.language', value: 'da' },
        ]),
      ],
      user: [
        { key: 'user.language', value: 'sv' },
        { key: APPS, value: [] },
      ],
    });
    for (const eff of resolveEffectiveSettings(i)) expect(resolveEffectiveSetting(eff.key, i)).toEqual(eff);
  });
});

describe('custom catalogue', () => {
  const catalogue: SettingDefinition[] = [
    { key: 'test.flag', category: 'test', description: 'A flag for resolver tests.', levels: ['group', 'user'], value: { type: 'boolean' }, default: false },
    {
      key: 'test.tags',
      category: 'test',
      description: 'Tags for resolver tests.',
      levels: ['organization', 'user'],
      value: { type: 'set', maxItems: 3 },
      default: ['t0'],
    },
  ];

  it('resolves only the given catalogue, in its order, honouring its levels', () => {
    const i = input({
      organization: [
        { key: 'test.flag', value: true },
        { key: 'test.tags', value: ['b'] },
        { key: RING, value: 9 },
      ],
      groups: [
        group('g1', 'One', 1, [
          { key: 'test.flag', value: true },
          { key: 'test.tags', value: ['c'] },
        ]),
      ],
      user: [{ key: 'test.tags', value: ['a'] }],
    });
    const all = resolveEffectiveSettings(i, catalogue);
    expect(all.map((e) => [e.key, e.value])).toEqual([
      ['test.flag', true],
      ['test.tags', ['a', 'b']],
    ]);
    expect(resolveEffectiveSetting(RING, i, catalogue)).toBeUndefined();
  });
});

describe('compareGroupPrecedence', () => {
  it('orders by priority, then name, then id', () => {
    const gs = [group('b', 'N', 2, []), group('z', 'A', 2, []), group('a', 'N', 2, []), group('q', 'Z', 1, [])];
    expect([...gs].sort(compareGroupPrecedence).map((g) => g.groupId)).toEqual(['q', 'z', 'a', 'b']);
  });
});
