import { describe, it, expect } from 'vitest';
import { BoundedMap } from './bounded-map.ts';

const v = (n: number) => ({ n });

describe('BoundedMap', () => {
  it('evicts the oldest insertion when full and reports it', () => {
    const evicted: string[] = [];
    const m = new BoundedMap<{ n: number }>(3, (key) => evicted.push(key));
    for (const k of ['a', 'b', 'c', 'd']) m.set(k, v(1));
    expect([...m.entries()].map(([k]) => k)).toEqual(['b', 'c', 'd']);
    expect(evicted).toEqual(['a']);
  });

  it('treats a replaced key as young, and its old slot as a ghost', () => {
    const evicted: string[] = [];
    const m = new BoundedMap<{ n: number }>(3, (key) => evicted.push(key));
    m.set('a', v(1));
    m.set('b', v(1));
    m.set('a', v(2));
    m.set('c', v(1));
    // The ring held a(old), b, a: the old slot of 'a' goes without evicting anything live.
    expect(evicted).toEqual([]);
    m.set('d', v(1));
    expect(evicted).toEqual(['b']);
    expect(m.get('a')).toEqual({ n: 2 });
    expect(m.size).toBe(3);
  });

  it('ignores setting the object already stored', () => {
    const m = new BoundedMap<{ n: number }>(2);
    const a = v(1);
    m.set('a', a);
    m.set('a', a);
    m.set('b', v(1));
    expect([...m.entries()].map(([k]) => k)).toEqual(['a', 'b']);
  });

  it('does not count deleted entries against the cap after deleteWhere', () => {
    const evicted: string[] = [];
    const m = new BoundedMap<{ n: number }>(4, (key) => evicted.push(key));
    for (let i = 0; i < 4; i++) m.set(`k${i}`, v(i));
    m.deleteWhere((value) => value.n % 2 === 1);
    m.set('x', v(0));
    m.set('y', v(0));
    expect(evicted).toEqual([]);
    expect([...m.entries()].map(([k]) => k)).toEqual(['k0', 'k2', 'x', 'y']);
    m.delete('k0');
    expect(m.has('k0')).toBe(false);
    m.set('z', v(0));
    expect(evicted).toEqual([]);
    m.set('w', v(0));
    expect(evicted).toEqual(['k2']);
  });
});
