import { describe, it, expect } from 'vitest';
import { DEFAULT_LOGIN_THROTTLE, checkLoginGate, loginRetryDelayMs, recordLoginFailure } from './login-throttle.ts';
import type { LoginFailureState, LoginThrottlePolicy } from './login-throttle.ts';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

/** Records `n` failures, all at `at`, starting from no state. */
function failTimes(n: number, at: number, policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE): LoginFailureState {
  let state: LoginFailureState | undefined;
  for (let i = 0; i < n; i++) state = recordLoginFailure(state, at, policy);
  if (state === undefined) throw new Error('failTimes needs n >= 1');
  return state;
}

describe('DEFAULT_LOGIN_THROTTLE', () => {
  it('is 3 free attempts, 1 s doubling to 30 s, a 15-minute lock after 10 failures, reset after an hour', () => {
    expect(DEFAULT_LOGIN_THROTTLE).toEqual({
      freeAttempts: 3,
      baseDelayMs: 1_000,
      maxDelayMs: 30_000,
      lockoutAfter: 10,
      lockoutMs: 15 * MINUTE,
      resetAfterMs: 60 * MINUTE,
    });
    expect(Object.isFrozen(DEFAULT_LOGIN_THROTTLE)).toBe(true);
  });
});

describe('loginRetryDelayMs', () => {
  it('costs nothing for the free attempts, then doubles from the base delay up to the cap', () => {
    const delays = Array.from({ length: 12 }, (_, failures) => loginRetryDelayMs(failures));
    expect(delays).toEqual([0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it('stays finite and capped for absurd failure counts and is 0 with a zero base delay', () => {
    expect(loginRetryDelayMs(5_000)).toBe(30_000);
    expect(loginRetryDelayMs(5_000, { ...DEFAULT_LOGIN_THROTTLE, baseDelayMs: 0 })).toBe(0);
  });
});

describe('checkLoginGate without failures', () => {
  it('allows an account with no state', () => {
    expect(checkLoginGate(undefined, T0)).toEqual({ allowed: true });
  });
});

describe('free attempts', () => {
  it('allows an immediate retry after one and after two failures', () => {
    expect(checkLoginGate(failTimes(1, T0), T0)).toEqual({ allowed: true });
    expect(checkLoginGate(failTimes(2, T0), T0)).toEqual({ allowed: true });
  });

  it('requires the base delay after the third failure: throttled 1 ms before, allowed exactly at it', () => {
    const state = failTimes(3, T0);
    expect(checkLoginGate(state, T0)).toEqual({ allowed: false, reason: 'throttled', retryAfterMs: 1_000 });
    expect(checkLoginGate(state, T0 + 999)).toEqual({ allowed: false, reason: 'throttled', retryAfterMs: 1 });
    expect(checkLoginGate(state, T0 + 1_000)).toEqual({ allowed: true });
  });
});

describe('progressive delay', () => {
  it('doubles the wait with each failure after the free ones and caps it at maxDelay', () => {
    const expected: [number, number][] = [
      [4, 2_000],
      [5, 4_000],
      [6, 8_000],
      [7, 16_000],
      [8, 30_000],
      [9, 30_000],
    ];
    for (const [failures, delay] of expected) {
      const state = failTimes(failures, T0);
      expect(checkLoginGate(state, T0 + delay - 1), `${failures} failures`).toEqual({
        allowed: false,
        reason: 'throttled',
        retryAfterMs: 1,
      });
      expect(checkLoginGate(state, T0 + delay), `${failures} failures`).toEqual({ allowed: true });
    }
  });

  it('measures the wait from the last failure, not the first', () => {
    let state = recordLoginFailure(undefined, T0);
    state = recordLoginFailure(state, T0 + 10_000);
    state = recordLoginFailure(state, T0 + 20_000);
    state = recordLoginFailure(state, T0 + 30_000);
    expect(state).toEqual({ failures: 4, lastFailureAt: T0 + 30_000, lockedUntil: null });
    expect(checkLoginGate(state, T0 + 31_000)).toEqual({ allowed: false, reason: 'throttled', retryAfterMs: 1_000 });
    expect(checkLoginGate(state, T0 + 32_000)).toEqual({ allowed: true });
  });

  it('never asks for more than the delay when the clock is behind the last failure', () => {
    const state = failTimes(4, T0);
    expect(checkLoginGate(state, T0 - 5_000)).toEqual({ allowed: false, reason: 'throttled', retryAfterMs: 2_000 });
  });
});

describe('lockout', () => {
  it('does not lock after one failure fewer than lockoutAfter', () => {
    expect(failTimes(9, T0).lockedUntil).toBeNull();
  });

  it('locks for lockoutMs when failures reach lockoutAfter', () => {
    const state = failTimes(10, T0);
    expect(state).toEqual({ failures: 10, lastFailureAt: T0, lockedUntil: T0 + 15 * MINUTE });
    expect(checkLoginGate(state, T0)).toEqual({ allowed: false, reason: 'locked', retryAfterMs: 15 * MINUTE });
    expect(checkLoginGate(state, T0 + 15 * MINUTE - 1)).toEqual({ allowed: false, reason: 'locked', retryAfterMs: 1 });
  });

  it('allows an attempt exactly when the lock expires, with no leftover delay', () => {
    expect(checkLoginGate(failTimes(10, T0), T0 + 15 * MINUTE)).toEqual({ allowed: true });
  });

  it('restarts the count at one for the first failure after the lock expires', () => {
    const locked = failTimes(10, T0);
    const after = recordLoginFailure(locked, T0 + 15 * MINUTE);
    expect(after).toEqual({ failures: 1, lastFailureAt: T0 + 15 * MINUTE, lockedUntil: null });
    expect(checkLoginGate(after, T0 + 15 * MINUTE)).toEqual({ allowed: true });
  });

  it('neither counts nor extends the lock for a failure reported while locked', () => {
    const locked = failTimes(10, T0);
    expect(recordLoginFailure(locked, T0 + 5 * MINUTE)).toEqual(locked);
  });

  it('keeps an active lock even when it outlasts resetAfterMs', () => {
    const policy: LoginThrottlePolicy = { ...DEFAULT_LOGIN_THROTTLE, lockoutMs: 2 * 60 * MINUTE };
    const state = failTimes(10, T0, policy);
    expect(checkLoginGate(state, T0 + 90 * MINUTE, policy)).toEqual({
      allowed: false,
      reason: 'locked',
      retryAfterMs: 30 * MINUTE,
    });
    expect(checkLoginGate(state, T0 + 120 * MINUTE, policy)).toEqual({ allowed: true });
  });
});

describe('reset after a quiet period', () => {
  it('keeps counting a failure 1 ms before resetAfterMs and forgets the count exactly at it', () => {
    const state = failTimes(5, T0);
    expect(recordLoginFailure(state, T0 + 60 * MINUTE - 1).failures).toBe(6);
    expect(recordLoginFailure(state, T0 + 60 * MINUTE)).toEqual({
      failures: 1,
      lastFailureAt: T0 + 60 * MINUTE,
      lockedUntil: null,
    });
  });

  it('measures the quiet period from the last failure', () => {
    const first = recordLoginFailure(undefined, T0);
    const second = recordLoginFailure(first, T0 + 50 * MINUTE);
    expect(recordLoginFailure(second, T0 + 100 * MINUTE).failures).toBe(3);
  });

  it('lifts a throttle once the count is forgotten, even if the delay is longer', () => {
    const policy: LoginThrottlePolicy = {
      ...DEFAULT_LOGIN_THROTTLE,
      freeAttempts: 0,
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      resetAfterMs: 30_000,
    };
    const state = failTimes(1, T0, policy);
    expect(checkLoginGate(state, T0 + 29_999, policy)).toEqual({
      allowed: false,
      reason: 'throttled',
      retryAfterMs: 30_001,
    });
    expect(checkLoginGate(state, T0 + 30_000, policy)).toEqual({ allowed: true });
  });
});

describe('recordLoginFailure', () => {
  it('starts a fresh state at one failure', () => {
    expect(recordLoginFailure(undefined, T0)).toEqual({ failures: 1, lastFailureAt: T0, lockedUntil: null });
  });

  it('counts a failure made while throttled', () => {
    const state = failTimes(4, T0);
    expect(recordLoginFailure(state, T0 + 1)).toEqual({ failures: 5, lastFailureAt: T0 + 1, lockedUntil: null });
  });

  it('does not mutate the state it is given', () => {
    const state: LoginFailureState = { failures: 9, lastFailureAt: T0, lockedUntil: null };
    const snapshot = { ...state };
    recordLoginFailure(state, T0 + 60_000);
    expect(state).toEqual(snapshot);
  });

  it('applies a custom policy', () => {
    const policy: LoginThrottlePolicy = {
      freeAttempts: 1,
      baseDelayMs: 500,
      maxDelayMs: 1_500,
      lockoutAfter: 4,
      lockoutMs: 10_000,
      resetAfterMs: 60_000,
    };
    expect(checkLoginGate(failTimes(1, T0, policy), T0 + 499, policy)).toEqual({
      allowed: false,
      reason: 'throttled',
      retryAfterMs: 1,
    });
    expect(checkLoginGate(failTimes(3, T0, policy), T0 + 1_499, policy)).toMatchObject({ retryAfterMs: 1 });
    expect(failTimes(3, T0, policy).lockedUntil).toBeNull();
    expect(failTimes(4, T0, policy).lockedUntil).toBe(T0 + 10_000);
  });
});
