/** The engine's only source of time: real in production, simulated in tests and the simulator. */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

/** A clock the test moves by hand. */
export function manualClock(start: number): Clock & { advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}
