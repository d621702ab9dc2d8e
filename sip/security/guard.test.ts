import { describe, it, expect } from 'vitest';
import { manualClock } from '../../core/clock.ts';
import { DEFAULT_SCANNER_USER_AGENTS, SipGuard } from './guard.ts';
import type { SipGuardOptions } from './guard.ts';

const T0 = Date.UTC(2026, 10, 22, 4, 31, 15, 123);
const ATTACKER = '203.0.113.7';
const ORG = '7d1f6a52-2c1e-4c43-9c37-2b7e0d0f7a11';

function setup(opts: Partial<SipGuardOptions> = {}) {
  const clock = manualClock(T0);
  const lines: string[] = [];
  const guard = new SipGuard({ clock, log: (line) => lines.push(line), ...opts });
  const events = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { clock, guard, lines, events };
}

/** Sends `n` requests spread evenly over `spanMs`, returning the results. */
function burst(guard: SipGuard, clock: ReturnType<typeof manualClock>, address: string, n: number, spanMs: number): string[] {
  const results: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) clock.advance(spanMs / (n - 1));
    results.push(guard.admit(address, 'Yealink SIP-T46U'));
  }
  return results;
}

describe('SipGuard defaults', () => {
  it('lists the well-known scanner User-Agents', () => {
    expect(DEFAULT_SCANNER_USER_AGENTS).toEqual(['friendly-scanner', 'sipvicious', 'sipcli', 'sip-scan', 'iWar', 'sundayddr', 'VaxSIPUserAgent']);
  });
});

describe('SipGuard flood limit', () => {
  it('admits 16 requests in 2 s from one address', () => {
    const { clock, guard } = setup();
    expect(burst(guard, clock, ATTACKER, 16, 1_900)).toEqual(Array(16).fill('ok'));
  });

  it('bans an address for 300 s after its 17th request within 2 s, then admits it again', () => {
    const { clock, guard, events } = setup();
    const results = burst(guard, clock, ATTACKER, 17, 1_900);
    expect(results.slice(0, 16)).toEqual(Array(16).fill('ok'));
    expect(results[16]).toBe('flood');
    expect(guard.isBanned(ATTACKER)).toBe(true);
    const banStart = clock.now();
    expect(guard.bans()).toEqual([{ address: ATTACKER, until: banStart + 300_000, reason: 'more than 16 requests in 2000 ms' }]);
    for (let i = 0; i < 100; i++) expect(guard.admit(ATTACKER, undefined)).toBe('banned');
    clock.advance(299_999);
    expect(guard.admit(ATTACKER, undefined)).toBe('banned');
    clock.advance(1);
    expect(guard.admit(ATTACKER, undefined)).toBe('ok');
    expect(guard.isBanned(ATTACKER)).toBe(false);
    expect(events().map((e) => e.event)).toEqual(['sip_flood_ban', 'sip_ban_lifted']);
    expect(events()[1]).toMatchObject({ source: ATTACKER, reason: 'expired', ban_reason: 'more than 16 requests in 2000 ms', dropped: 101 });
  });

  it('does not ban 17 requests spread over more than 2 s', () => {
    const { clock, guard } = setup();
    expect(burst(guard, clock, ATTACKER, 17, 2_000)).toEqual(Array(17).fill('ok'));
  });

  it('counts each address on its own', () => {
    const { clock, guard } = setup();
    for (let i = 0; i < 16; i++) {
      expect(guard.admit('198.51.100.1', undefined)).toBe('ok');
      expect(guard.admit('198.51.100.2', undefined)).toBe('ok');
      clock.advance(10);
    }
    expect(guard.admit('198.51.100.1', undefined)).toBe('flood');
    expect(guard.isBanned('198.51.100.2')).toBe(false);
  });

  it('ends a ban in sweep() too, logging one summary line', () => {
    const { clock, guard, events } = setup();
    burst(guard, clock, ATTACKER, 17, 100);
    guard.admit(ATTACKER, undefined);
    clock.advance(300_000);
    guard.sweep();
    expect(guard.bans()).toEqual([]);
    expect(events().map((e) => e.event)).toEqual(['sip_flood_ban', 'sip_ban_lifted']);
    expect(events()[1]).toMatchObject({ dropped: 1 });
  });

  it('unban() lifts a ban at once', () => {
    const { clock, guard, events } = setup();
    burst(guard, clock, ATTACKER, 17, 100);
    guard.unban(ATTACKER);
    expect(guard.admit(ATTACKER, undefined)).toBe('ok');
    expect(events()[1]).toMatchObject({ event: 'sip_ban_lifted', reason: 'unbanned' });
  });

  it('does not flood-count an address that authenticated recently', () => {
    const { clock, guard } = setup();
    guard.authSucceeded('192.0.2.10');
    expect(burst(guard, clock, '192.0.2.10', 5_000, 1_000)).not.toContain('flood');
    clock.advance(600_000);
    expect(burst(guard, clock, '192.0.2.10', 17, 100)).toContain('flood');
  });

  it('counts every address when exemptAuthenticated is off', () => {
    const { clock, guard } = setup({ exemptAuthenticated: false });
    guard.authSucceeded('192.0.2.10');
    expect(burst(guard, clock, '192.0.2.10', 17, 100)[16]).toBe('flood');
  });

  it('never limits or bans a trusted address, also when written as an IPv4-mapped IPv6 address', () => {
    const { clock, guard, events } = setup({ trustedAddresses: ['127.0.0.1', '192.0.2.50'] });
    expect(burst(guard, clock, '127.0.0.1', 10_000, 1_000)).toEqual(Array(10_000).fill('ok'));
    expect(burst(guard, clock, '::ffff:192.0.2.50', 100, 100)).toEqual(Array(100).fill('ok'));
    for (let i = 0; i < 20; i++) guard.authFailed('127.0.0.1', 'u1@acme.example', ORG, 'wrong password');
    expect(guard.isBanned('127.0.0.1')).toBe(false);
    expect(guard.admit('127.0.0.1', 'friendly-scanner')).toBe('ok');
    expect(new Set(events().map((e) => e.event))).toEqual(new Set(['sip_auth_failed']));
  });
});

describe('SipGuard authentication failures', () => {
  it('bans an address after 5 failures within 60 s', () => {
    const { clock, guard, events } = setup();
    for (let i = 0; i < 4; i++) {
      guard.authFailed(ATTACKER, 'u1@acme.example', ORG, 'wrong password');
      clock.advance(14_000);
    }
    expect(guard.isBanned(ATTACKER)).toBe(false);
    guard.authFailed(ATTACKER, 'u2@acme.example', ORG, 'wrong password');
    expect(guard.isBanned(ATTACKER)).toBe(true);
    expect(guard.admit(ATTACKER, undefined)).toBe('banned');
    const ban = events().at(-1)!;
    expect(ban).toEqual({
      t: '2026-11-22T04:32:11.123Z',
      event: 'sip_auth_ban',
      source: ATTACKER,
      account: 'u2@acme.example',
      org: ORG,
      reason: '5 failed authentications in 60000 ms',
      until: '2026-11-22T04:37:11.123Z',
    });
  });

  it('does not ban failures spread over more than 60 s', () => {
    const { clock, guard } = setup();
    for (let i = 0; i < 20; i++) {
      guard.authFailed(ATTACKER, 'u1@acme.example', null, 'wrong password');
      clock.advance(15_000);
    }
    expect(guard.isBanned(ATTACKER)).toBe(false);
  });

  it('bans a recently authenticated address too: a valid account must not unlock guessing others', () => {
    const { guard } = setup();
    guard.authSucceeded(ATTACKER);
    for (let i = 0; i < 5; i++) guard.authFailed(ATTACKER, `u${i}@acme.example`, ORG, 'wrong password');
    expect(guard.isBanned(ATTACKER)).toBe(true);
  });

  it('logs every failure as one JSON line with time, event, source, account, org and reason', () => {
    const { guard, lines } = setup();
    guard.authFailed('127.0.0.2', 'u1@acme.example', ORG, 'wrong password');
    guard.authFailed('127.0.0.2', 'nobody@acme.example', null, 'unknown account');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      t: '2026-11-22T04:31:15.123Z',
      event: 'sip_auth_failed',
      source: '127.0.0.2',
      account: 'u1@acme.example',
      org: ORG,
      reason: 'wrong password',
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ account: 'nobody@acme.example', org: null, reason: 'unknown account' });
  });
});

describe('SipGuard scanners', () => {
  it('drops scanner User-Agents in any case and logs each address once per ban period', () => {
    const { clock, guard, events } = setup();
    expect(guard.admit(ATTACKER, 'friendly-scanner')).toBe('scanner');
    expect(guard.admit(ATTACKER, 'SIPVicious 0.3.4')).toBe('scanner');
    expect(guard.admit(ATTACKER, 'my IWAR build')).toBe('scanner');
    expect(guard.admit('198.51.100.9', 'sipcli/v1.8')).toBe('scanner');
    expect(guard.admit(ATTACKER, 'Yealink SIP-T46U')).toBe('ok');
    expect(events()).toEqual([
      { t: '2026-11-22T04:31:15.123Z', event: 'sip_scanner_dropped', source: ATTACKER, user_agent: 'friendly-scanner' },
      { t: '2026-11-22T04:31:15.123Z', event: 'sip_scanner_dropped', source: '198.51.100.9', user_agent: 'sipcli/v1.8' },
    ]);
    clock.advance(300_000);
    expect(guard.admit(ATTACKER, 'friendly-scanner')).toBe('scanner');
    expect(events()).toHaveLength(3);
  });

  it('uses the configured list, which may be empty', () => {
    const { guard } = setup({ scannerUserAgents: ['evil.tool'] });
    expect(guard.admit(ATTACKER, 'friendly-scanner')).toBe('ok');
    expect(guard.admit(ATTACKER, 'Evil.Tool/2')).toBe('scanner');
    expect(guard.admit(ATTACKER, 'evilXtool')).toBe('ok');
    expect(setup({ scannerUserAgents: [] }).guard.admit(ATTACKER, 'friendly-scanner')).toBe('ok');
  });

  it('keeps log lines to one line and bounded length whatever the User-Agent holds', () => {
    const { guard, lines } = setup();
    guard.admit(ATTACKER, 'friendly-scanner\r\n{"event":"forged"}' + 'x'.repeat(10_000));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(lines[0]!.length).toBeLessThan(400);
    expect(JSON.parse(lines[0]!).event).toBe('sip_scanner_dropped');
  });
});

describe('SipGuard memory', () => {
  it('stays bounded under 200,000 distinct addresses and forgets them on sweep()', () => {
    const { clock, guard } = setup();
    for (let i = 0; i < 200_000; i++) {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      guard.admit(address, i % 2 === 0 ? undefined : 'friendly-scanner');
      guard.authSucceeded(address);
      guard.authFailed(address, 'u@acme.example', null, 'wrong password');
    }
    const stats = guard.stats();
    expect(stats.counters).toBeLessThanOrEqual(100_000);
    expect(stats.authenticated).toBeLessThanOrEqual(100_000);
    expect(stats.scanners).toBeLessThanOrEqual(100_000);
    clock.advance(600_001);
    guard.sweep();
    expect(guard.stats()).toEqual({ counters: 0, bans: 0, authenticated: 0, scanners: 0 });
  });

  it('caps bans too, lifting the oldest with a log line', () => {
    const { clock, guard, events } = setup({ maxTrackedAddresses: 3, floodMaxRequests: 1 });
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) {
      guard.admit(address, undefined);
      clock.advance(1);
      expect(guard.admit(address, undefined)).toBe('flood');
    }
    expect(guard.bans().map((b) => b.address)).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4']);
    expect(events().find((e) => e.event === 'sip_ban_lifted')).toMatchObject({ source: '10.0.0.1', reason: 'evicted' });
  });
});

describe('SipGuard options', () => {
  it('refuses limits that would make the windows absurdly large', () => {
    expect(() => setup({ floodMaxRequests: 1_000_000_000 })).toThrow(/floodMaxRequests/);
    expect(() => setup({ floodMaxRequests: 0 })).toThrow(/floodMaxRequests/);
    expect(() => setup({ authFailMax: 2.5 })).toThrow(/authFailMax/);
  });
});
