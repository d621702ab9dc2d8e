/**
 * Timers for the SIP layer, injected so transactions and dialogs run on a hand-moved clock in
 * tests. Production uses Node's timer lists: timers of the same duration share one list, so
 * arming and cancelling is O(1) — which is all the RFC 3261 timers need (a handful of fixed
 * durations).
 */
export interface TimerHandle {
  readonly _timer: unknown;
}

export interface Timers {
  now(): number;
  after(ms: number, fn: () => void): TimerHandle;
  cancel(handle: TimerHandle | null | undefined): void;
}

export function realTimers(): Timers {
  return {
    now: () => Date.now(),
    after(ms, fn) {
      return { _timer: setTimeout(fn, ms) };
    },
    cancel(handle) {
      if (handle) clearTimeout(handle._timer as NodeJS.Timeout);
    },
  };
}

interface ManualEntry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Timers moved by hand: `advance(ms)` fires everything due, in time order, including timers armed while firing. */
export function manualTimers(start = 0): Timers & { advance(ms: number): void; pending(): number } {
  let now = start;
  let seq = 0;
  let entries: ManualEntry[] = [];
  return {
    now: () => now,
    after(ms, fn) {
      const e: ManualEntry = { at: now + ms, seq: seq++, fn, cancelled: false };
      entries.push(e);
      return { _timer: e };
    },
    cancel(handle) {
      if (handle) (handle._timer as ManualEntry).cancelled = true;
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        entries = entries.filter((e) => !e.cancelled);
        let next: ManualEntry | undefined;
        for (const e of entries) if (e.at <= until && (!next || e.at < next.at || (e.at === next.at && e.seq < next.seq))) next = e;
        if (!next) break;
        now = next.at;
        next.cancelled = true;
        next.fn();
      }
      now = until;
    },
    pending: () => entries.filter((e) => !e.cancelled).length,
  };
}
