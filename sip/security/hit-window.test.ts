import { describe, it, expect } from 'vitest';
import { HitWindow } from './hit-window.ts';

describe('HitWindow', () => {
  it('fires on the hit that makes more than capacity hits within the window', () => {
    const w = new HitWindow(3);
    expect([0, 10, 20].map((t) => w.hit(t, 100))).toEqual([false, false, false]);
    expect(w.hit(99, 100)).toBe(true);
    // 20, 99 and 120 are three hits in the window ending at 120: not more than three.
    expect(w.hit(120, 100)).toBe(false);
    expect(w.hit(125, 100)).toBe(false);
    // 99, 120, 125 and 130 are four.
    expect(w.hit(130, 100)).toBe(true);
  });

  it('fires on every hit with capacity 0', () => {
    expect(new HitWindow(0).hit(0, 100)).toBe(true);
  });
});
