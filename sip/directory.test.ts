import { describe, expect, it } from 'vitest';
import type { ConversionRule } from '../core/numbers/conversion.ts';
import { buildSipOrg, convertForUser, type SipOrgSnapshot } from './directory.ts';
import { routeTarget } from './b2bua/route-target.ts';

const rule = (prefix: string, digits: number, rewrite: string, ranges: Array<{ from: string; to: string }> = []): ConversionRule => ({
  prefix,
  digits,
  ranges,
  rewrite,
});

function snapshot(extra: Partial<SipOrgSnapshot> = {}): SipOrgSnapshot {
  return {
    org: { id: 'org-1', name: 'Acme', sipDomain: 'acme.pbx.test', timeZone: 'UTC', maxOutboundCalls: 5, switchboardNumber: null },
    devices: [],
    users: [
      {
        id: 'u-alice',
        displayName: 'Alice',
        callerId: null,
        lines: [{ slot: 'primary', number: '201', aliasExtension: null }],
        groupIds: ['g-best', 'g-next'],
      },
      { id: 'u-bob', displayName: 'Bob', callerId: null, lines: [], groupIds: ['g-next'] },
      { id: 'u-carol', displayName: 'Carol', callerId: null, lines: [] },
    ],
    numberRanges: [{ kind: 'internal', start: '200', end: '299' }],
    trunks: [
      {
        id: 't-1',
        name: 'Carrier',
        enabled: true,
        outboundHost: 'sip.carrier.test',
        outboundPort: 5060,
        transport: 'udp',
        register: false,
        authUsername: null,
        authPassword: null,
        fromDomain: null,
        inboundAddresses: [],
        priority: 0,
      },
    ],
    ...extra,
  };
}

const rules: SipOrgSnapshot['conversionRules'] = [
  { level: 'organization', targetId: 'org-1', rules: [rule('1', 3, '+4510'), rule('00', 10, '+'), rule('', 8, '+45')] },
  { level: 'group', targetId: 'g-next', rules: [rule('1', 3, '+4530'), rule('7', 3, '+4570')] },
  { level: 'group', targetId: 'g-best', rules: [rule('1', 3, '+4520')] },
  { level: 'user', targetId: 'u-alice', rules: [rule('9', 3, '+4690', [{ from: '100', to: '199' }])] },
];

describe('convertForUser', () => {
  const org = buildSipOrg(snapshot({ conversionRules: rules }));

  it('tries the user’s own rules first', () => {
    expect(convertForUser(org, 'u-alice', '9150')).toBe('+4690150');
  });

  it('then the user’s groups best priority first, then the organization’s', () => {
    expect(convertForUser(org, 'u-alice', '1234')).toBe('+4520234');
    expect(convertForUser(org, 'u-bob', '1234')).toBe('+4530234');
    expect(convertForUser(org, 'u-carol', '1234')).toBe('+4510234');
    expect(convertForUser(org, 'u-alice', '7234')).toBe('+4570234');
    expect(convertForUser(org, 'u-alice', '004670123456')).toBe('+4670123456');
  });

  it('falls through a set whose rules do not match the whole number, and leaves an unmatched number as dialled', () => {
    // Outside Alice's own range 100-199: her groups and the organization decide.
    expect(convertForUser(org, 'u-alice', '9250')).toBe('9250');
    expect(convertForUser(org, 'u-alice', '70101010')).toBe('+4570101010');
  });

  it('uses only the organization’s rules for a device without a user or an unknown user', () => {
    expect(convertForUser(org, null, '1234')).toBe('+4510234');
    expect(convertForUser(org, 'u-gone', '7234')).toBe('7234');
  });

  it('never converts 112 or 114', () => {
    const greedy = buildSipOrg(snapshot({ conversionRules: [{ level: 'organization', targetId: 'org-1', rules: [rule('', 3, '+45')] }] }));
    expect(convertForUser(greedy, 'u-alice', '112')).toBe('112');
    expect(convertForUser(greedy, 'u-alice', '114')).toBe('114');
    expect(convertForUser(greedy, 'u-alice', '113')).toBe('+45113');
  });

  it('leaves numbers as dialled for an organization without rules', () => {
    expect(convertForUser(buildSipOrg(snapshot()), 'u-alice', '1234')).toBe('1234');
    // A SipOrg built elsewhere (the registrar's stand-in for an unknown domain) has no conversion at all.
    expect(convertForUser({ ...org, conversion: undefined }, 'u-alice', '1234')).toBe('1234');
  });

  it('sends a converted external number to the trunk as the B2BUA routes it', () => {
    const route = routeTarget(org, '1234', (n) => convertForUser(org, 'u-alice', n));
    expect(route).toMatchObject({ kind: 'trunk', number: '+4520234' });
  });
});
