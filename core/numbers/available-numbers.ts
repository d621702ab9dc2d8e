// "Show available numbers" (SPEC §3): the free numbers of an organization's ranges, paged.
// Works on ranges of 1,000,000 numbers without materialising them: cost is O(used + ranges + limit).

import type { NumberKind } from './number-format.ts';
import { formatNumber, normalizeNumber } from './number-format.ts';
import type { NumberRange } from './ranges.ts';
import { isWellFormedRange, rangeBounds } from './ranges.ts';

/** Paging and filtering of listAvailableNumbers. */
export interface AvailableNumbersOptions {
  limit: number;
  offset: number;
  kind?: NumberKind;
}

/** One page of free numbers and how many free numbers there are in all. */
export interface AvailableNumbersPage {
  items: string[];
  total: number;
}

// A merged run of numbers of one kind and digit count, with the used numbers inside it.
interface Run {
  kind: NumberKind;
  digitCount: number;
  first: bigint;
  last: bigint;
  used: bigint[]; // ascending, distinct, all within first..last
}

/**
 * Lists free numbers in ascending order: public before internal, shorter before longer, then by value.
 * Overlapping ranges count once; malformed ranges are ignored. `total` counts every free number.
 */
export function listAvailableNumbers(ranges: readonly NumberRange[], used: ReadonlySet<string>, opts: AvailableNumbersOptions): AvailableNumbersPage {
  const runs = mergeRuns(ranges.filter((r) => opts.kind === undefined || r.kind === opts.kind));
  assignUsed(runs, used);

  let total = 0;
  for (const run of runs) total += freeIn(run);

  const limit = Math.max(0, Math.floor(finiteOr(opts.limit, 0)));
  let skip = Math.max(0, Math.floor(finiteOr(opts.offset, 0)));
  const items: string[] = [];
  for (const run of runs) {
    if (items.length >= limit) break;
    const free = freeIn(run);
    if (skip >= free) {
      skip -= free;
      continue;
    }
    // The skip-th free number: start at first + skip and step over every used number at or below it.
    let candidate = run.first + BigInt(skip);
    let next = 0;
    while (next < run.used.length && (run.used[next] as bigint) <= candidate) {
      candidate++;
      next++;
    }
    skip = 0;
    while (items.length < limit && candidate <= run.last) {
      if (next < run.used.length && run.used[next] === candidate) {
        next++;
      } else {
        items.push(formatNumber(run.kind, candidate, run.digitCount));
      }
      candidate++;
    }
  }
  return { items, total };
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}

function freeIn(run: Run): number {
  return Number(run.last - run.first + 1n) - run.used.length;
}

function compareRuns(a: Run, b: Run): number {
  if (a.kind !== b.kind) return a.kind === 'public' ? -1 : 1;
  if (a.digitCount !== b.digitCount) return a.digitCount - b.digitCount;
  return a.first < b.first ? -1 : a.first > b.first ? 1 : 0;
}

// Sorts the well-formed ranges and merges overlapping or adjacent ones of the same kind and length.
function mergeRuns(ranges: readonly NumberRange[]): Run[] {
  const sorted: Run[] = ranges
    .filter((r) => isWellFormedRange(r) && r.start <= r.end)
    .map((r) => ({ kind: r.kind, ...rangeBounds(r), used: [] }))
    .sort(compareRuns);
  const runs: Run[] = [];
  for (const run of sorted) {
    const prev = runs[runs.length - 1];
    if (prev && prev.kind === run.kind && prev.digitCount === run.digitCount && run.first <= prev.last + 1n) {
      if (run.last > prev.last) prev.last = run.last;
    } else {
      runs.push(run);
    }
  }
  return runs;
}

// Puts each used number (normalised) into the run holding it; numbers outside every run are ignored.
function assignUsed(runs: Run[], used: ReadonlySet<string>): void {
  if (runs.length === 0) return;
  const seen = new Set<string>();
  for (const raw of used) {
    const n = normalizeNumber(raw);
    if (seen.has(n)) continue;
    seen.add(n);
    const isPublic = n.startsWith('+');
    const digits = isPublic ? n.slice(1) : n;
    if (!/^[0-9]+$/.test(digits)) continue;
    const kind: NumberKind = isPublic ? 'public' : 'internal';
    const value = BigInt(digits);
    const run = findRun(runs, kind, digits.length, value);
    if (run) run.used.push(value);
  }
  for (const run of runs) run.used.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// Binary search over the sorted, non-overlapping runs.
function findRun(runs: Run[], kind: NumberKind, digitCount: number, value: bigint): Run | undefined {
  const probe: Run = { kind, digitCount, first: value, last: value, used: [] };
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const run = runs[mid] as Run;
    const cmp = compareRuns(run, probe);
    if (cmp > 0) {
      hi = mid - 1;
    } else if (run.kind === kind && run.digitCount === digitCount && value <= run.last) {
      return run;
    } else {
      lo = mid + 1;
    }
  }
  return undefined;
}
