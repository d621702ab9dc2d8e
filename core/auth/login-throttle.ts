// Failed-login policy: progressive delay, then a temporary lockout. Pure: time is passed in as epoch
// milliseconds, and states are never mutated. A successful login is handled by the caller deleting
// the state. All windows are half-open: a wait of d ms started at t is over at exactly t + d.

/** What is remembered about the recent failed logins of one account (or one account + source). */
export interface LoginFailureState {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number | null;
}

/** Tunables of the failed-login policy; all durations are in milliseconds. */
export interface LoginThrottlePolicy {
  /** Failures that cost nothing: the next attempt after fewer failures than this needs no wait. */
  freeAttempts: number;
  /** Wait after exactly `freeAttempts` failures; doubles with every further failure. */
  baseDelayMs: number;
  /** Longest wait between attempts, however many failures. */
  maxDelayMs: number;
  /** Failures that lock the account. */
  lockoutAfter: number;
  /** How long a lock lasts; afterwards the failure count starts again from zero. */
  lockoutMs: number;
  /** A failure count this long after the last failure is forgotten. */
  resetAfterMs: number;
}

/** The default policy: 3 free attempts, 1 s doubling to at most 30 s, a 15-minute lock after 10, reset after 1 hour. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = Object.freeze({
  freeAttempts: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  lockoutAfter: 10,
  lockoutMs: 15 * 60_000,
  resetAfterMs: 60 * 60_000,
});

/** Whether a login attempt may be made now; if not, why and how many ms until it may. */
export type LoginGate = { allowed: true } | { allowed: false; reason: 'throttled' | 'locked'; retryAfterMs: number };

/** The wait required after `failures` failures: 0 while free, then baseDelay * 2^(failures - freeAttempts), capped. */
export function loginRetryDelayMs(failures: number, policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE): number {
  if (failures < policy.freeAttempts || policy.baseDelayMs <= 0) return 0;
  // Capping the exponent keeps the product finite (2^1024 overflows); the cap below does the rest.
  const exponent = Math.min(failures - policy.freeAttempts, 1_000);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/**
 * The state still in force at `now`: undefined when there is none, when its lock has expired, or
 * when no lock is active and its last failure is at least resetAfterMs old.
 */
function liveState(state: LoginFailureState | undefined, now: number, policy: LoginThrottlePolicy): LoginFailureState | undefined {
  if (state === undefined) return undefined;
  if (state.lockedUntil !== null) return now < state.lockedUntil ? state : undefined;
  return now - state.lastFailureAt >= policy.resetAfterMs ? undefined : state;
}

/** Decides whether a login attempt may be made at `now` given the account's failure state. */
export function checkLoginGate(state: LoginFailureState | undefined, now: number, policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE): LoginGate {
  const live = liveState(state, now, policy);
  if (live === undefined) return { allowed: true };
  if (live.lockedUntil !== null) return { allowed: false, reason: 'locked', retryAfterMs: live.lockedUntil - now };
  const delay = loginRetryDelayMs(live.failures, policy);
  // A clock that went backwards counts as no time elapsed, so the wait never exceeds the delay.
  const elapsed = Math.max(0, now - live.lastFailureAt);
  return elapsed >= delay ? { allowed: true } : { allowed: false, reason: 'throttled', retryAfterMs: delay - elapsed };
}

/**
 * Returns the state after a failed login at `now`: one more failure (counting from zero if the old
 * state expired), locked for lockoutMs once failures reach lockoutAfter. A failure reported while
 * a lock is active changes nothing, so the lock is neither extended nor counted against.
 */
export function recordLoginFailure(state: LoginFailureState | undefined, now: number, policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE): LoginFailureState {
  const live = liveState(state, now, policy);
  if (live !== undefined && live.lockedUntil !== null) return live;
  const failures = (live?.failures ?? 0) + 1;
  return {
    failures,
    lastFailureAt: now,
    lockedUntil: failures >= policy.lockoutAfter ? now + policy.lockoutMs : null,
  };
}
