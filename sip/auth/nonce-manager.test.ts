import { createHmac } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { manualClock } from '../../core/clock.ts';
import { NonceManager } from './digest.ts';

const T0 = Date.UTC(2026, 10, 22, 4, 31, 15);
const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');

function setup(opts: { lifetimeMs?: number; maxTracked?: number } = {}) {
  const clock = manualClock(T0);
  return { clock, nonces: new NonceManager({ secret: SECRET, clock, ...opts }) };
}

describe('NonceManager.issue', () => {
  it('makes distinct base64url nonces without padding', () => {
    const { nonces } = setup();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const n = nonces.issue();
      expect(n).toMatch(/^[A-Za-z0-9_-]+$/);
      seen.add(n);
    }
    expect(seen.size).toBe(2000);
  });

  it('signs issue time and random bytes with HMAC-SHA-256 of the secret, short or long', () => {
    for (const secret of [SECRET, Buffer.alloc(100, 7)]) {
      const clock = manualClock(T0);
      const bytes = Buffer.from(new NonceManager({ secret, clock }).issue(), 'base64url');
      expect(bytes.length).toBe(36);
      expect(bytes.readUIntBE(2, 6)).toBe(T0);
      const mac = createHmac('sha256', secret).update(bytes.subarray(0, 20)).digest();
      expect(bytes.subarray(20).equals(mac.subarray(0, 16))).toBe(true);
    }
  });

  it('refuses a secret shorter than 16 bytes', () => {
    expect(() => new NonceManager({ secret: Buffer.alloc(8), clock: manualClock(T0) })).toThrow(/16 bytes/);
  });
});

describe('NonceManager.check', () => {
  it('accepts a fresh nonce with and without qop', () => {
    const { nonces } = setup();
    expect(nonces.check(nonces.issue(), 1)).toBe('ok');
    expect(nonces.check(nonces.issue(), null)).toBe('ok');
  });

  it('accepts a nonce issued by another node with the same secret', () => {
    const { clock, nonces } = setup();
    const other = new NonceManager({ secret: SECRET, clock });
    expect(nonces.check(other.issue(), 1)).toBe('ok');
  });

  it('calls a nonce signed with another secret, modified, truncated or re-spelled invalid', () => {
    const { clock, nonces } = setup();
    const foreign = new NonceManager({ secret: Buffer.from('another secret, 16+ bytes'), clock });
    expect(nonces.check(foreign.issue(), 1)).toBe('invalid');
    const good = nonces.issue();
    for (let i = 0; i < good.length; i++) {
      const flipped = good.slice(0, i) + (good[i] === 'A' ? 'B' : 'A') + good.slice(i + 1);
      expect(nonces.check(flipped, 1)).toBe('invalid');
    }
    expect(nonces.check(good.slice(1), 1)).toBe('invalid');
    expect(nonces.check(good + 'A', 1)).toBe('invalid');
    expect(nonces.check('', null)).toBe('invalid');
    expect(nonces.check('dcd98b7102dd2f0e8b11d0f600bfb0c093', 1)).toBe('invalid');
    // Node's decoder would read '+' '/' as '-' '_': a second spelling would dodge the replay map.
    const respelled = good.replace(/-/g, '+').replace(/_/g, '/');
    if (respelled !== good) expect(nonces.check(respelled, 1)).toBe('invalid');
    expect(nonces.check(good, 1)).toBe('ok');
  });

  it('calls a nonce stale once its lifetime has passed', () => {
    const { clock, nonces } = setup({ lifetimeMs: 300_000 });
    const a = nonces.issue();
    const b = nonces.issue();
    expect(nonces.check(a, 1)).toBe('ok');
    clock.advance(300_001);
    expect(nonces.check(a, 2)).toBe('stale');
    expect(nonces.check(b, 1)).toBe('stale');
    expect(nonces.check(nonces.issue(), 1)).toBe('ok');
  });

  it('accepts a nonce at the end of its lifetime', () => {
    const { clock, nonces } = setup({ lifetimeMs: 300_000 });
    const a = nonces.issue();
    clock.advance(300_000);
    expect(nonces.check(a, 1)).toBe('ok');
  });

  it('calls a nonce from far in the future invalid', () => {
    const { clock, nonces } = setup();
    clock.advance(3_600_000);
    const future = nonces.issue();
    clock.set(T0);
    expect(nonces.check(future, 1)).toBe('invalid');
  });

  it('wants a strictly increasing nc with qop and calls the same or a lower nc a replay', () => {
    const { nonces } = setup();
    const n = nonces.issue();
    expect(nonces.check(n, 1)).toBe('ok');
    expect(nonces.check(n, 1)).toBe('replay');
    expect(nonces.check(n, 2)).toBe('ok');
    expect(nonces.check(n, 5)).toBe('ok');
    expect(nonces.check(n, 3)).toBe('replay');
    expect(nonces.check(n, 5)).toBe('replay');
    expect(nonces.check(n, 6)).toBe('ok');
    expect(nonces.check(n, null)).toBe('replay');
  });

  it('accepts a nonce without qop once only', () => {
    const { nonces } = setup();
    const n = nonces.issue();
    expect(nonces.check(n, null)).toBe('ok');
    expect(nonces.check(n, null)).toBe('replay');
    expect(nonces.check(n, 1)).toBe('replay');
  });
});

describe('NonceManager replay memory', () => {
  it('stays bounded over 1,000,000 used nonces and never accepts an evicted one again', () => {
    const { clock, nonces } = setup({ maxTracked: 1000 });
    const first = nonces.issue();
    expect(nonces.check(first, 1)).toBe('ok');
    let refused = 0;
    for (let i = 0; i < 1_000_000; i++) {
      if (i % 1000 === 0) clock.advance(1);
      if (nonces.check(nonces.issue(), 1) !== 'ok') refused++;
    }
    expect(refused).toBe(0);
    expect(nonces.trackedCount).toBeLessThanOrEqual(1000);
    // Still within its lifetime but forgotten: a replay of it must not pass.
    expect(nonces.check(first, 2)).toBe('stale');
  });

  it('drops expired entries as new nonces are used, and all of them on sweep()', () => {
    const { clock, nonces } = setup({ lifetimeMs: 10_000, maxTracked: 10_000 });
    for (let i = 0; i < 500; i++) nonces.check(nonces.issue(), 1);
    expect(nonces.trackedCount).toBe(500);
    clock.advance(10_001);
    for (let i = 0; i < 100; i++) nonces.check(nonces.issue(), 1);
    expect(nonces.trackedCount).toBe(400);
    nonces.sweep();
    expect(nonces.trackedCount).toBe(100);
    clock.advance(10_001);
    nonces.sweep();
    expect(nonces.trackedCount).toBe(0);
  });

  it('frees the room of swept entries, so live nonces are not pushed out early', () => {
    const { clock, nonces } = setup({ lifetimeMs: 10_000, maxTracked: 10 });
    const old = Array.from({ length: 5 }, () => nonces.issue());
    clock.advance(6_000);
    const young = Array.from({ length: 5 }, () => nonces.issue());
    const spare = nonces.issue();
    for (const n of [...young, ...old]) expect(nonces.check(n, 1)).toBe('ok');
    clock.advance(5_000);
    nonces.sweep();
    expect(nonces.trackedCount).toBe(5);
    for (let i = 0; i < 4; i++) expect(nonces.check(nonces.issue(), 1)).toBe('ok');
    expect(nonces.check(spare, 1)).toBe('ok');
    for (const n of young) expect(nonces.check(n, 1)).toBe('replay');
  });

  it('keeps working after sweep() removed entries from the middle', () => {
    const { clock, nonces } = setup({ lifetimeMs: 10_000, maxTracked: 10 });
    const old = nonces.issue();
    clock.advance(5_000);
    const young = Array.from({ length: 5 }, () => nonces.issue());
    for (const n of young) nonces.check(n, 1);
    clock.advance(-5_000);
    nonces.check(old, 1);
    clock.advance(10_500);
    nonces.sweep();
    expect(nonces.trackedCount).toBe(5);
    for (let i = 0; i < 50; i++) {
      clock.advance(1);
      expect(nonces.check(nonces.issue(), 1)).toBe('ok');
    }
    expect(nonces.trackedCount).toBeLessThanOrEqual(10);
  });
});
