// Number ranges an organization owns (SPEC §3). Pure: numbers are compared as equal-length digit
// strings or BigInts, never as floats.

import type { NumberKind } from './number-format.ts';
import { normalizeNumber, numberDigits, numberFormatProblem } from './number-format.ts';

/** A contiguous range of public numbers or internal extensions; start and end have equal length. */
export interface NumberRange {
  kind: NumberKind;
  start: string;
  end: string;
}

/** Most numbers one range may hold. */
export const MAX_RANGE_SIZE = 1_000_000;

/** What a user typed for a range, before validation. */
export interface NumberRangeInput {
  kind: string;
  start: string;
  end: string;
}

/** Result of parseNumberRange: the normalised range, or the offending field and why. */
export type ParseNumberRangeResult = { ok: true; range: NumberRange } | { ok: false; field: 'start' | 'end' | 'kind'; reason: string };

/** Validates and normalises a range typed by a user (`+45 88 88 77 00` – `+45 88 88 77 99`). */
export function parseNumberRange(input: NumberRangeInput): ParseNumberRangeResult {
  const kind = input.kind;
  if (kind !== 'public' && kind !== 'internal') {
    return { ok: false, field: 'kind', reason: 'must be "public" or "internal"' };
  }
  const start = normalizeNumber(typeof input.start === 'string' ? input.start : '');
  const end = normalizeNumber(typeof input.end === 'string' ? input.end : '');
  const startProblem = numberFormatProblem(start, kind);
  if (startProblem !== undefined) return { ok: false, field: 'start', reason: startProblem };
  const endProblem = numberFormatProblem(end, kind);
  if (endProblem !== undefined) return { ok: false, field: 'end', reason: endProblem };
  if (start.length !== end.length) {
    return {
      ok: false,
      field: 'end',
      reason: `must have the same number of digits as start (${numberDigits(start).length})`,
    };
  }
  if (end < start) return { ok: false, field: 'end', reason: 'must not be below start' };
  const size = rangeSize({ kind, start, end });
  if (size > MAX_RANGE_SIZE) {
    return {
      ok: false,
      field: 'end',
      reason: `range holds ${size} numbers; at most ${MAX_RANGE_SIZE} are allowed`,
    };
  }
  return { ok: true, range: { kind, start, end } };
}

/** True when `number` (normalised first) is of the range's kind and length and between start and end. */
export function rangeContains(range: NumberRange, number: string): boolean {
  const n = normalizeNumber(number);
  if (n.length !== range.start.length || n.length !== range.end.length) return false;
  if (n.startsWith('+') !== (range.kind === 'public')) return false;
  if (!/^[0-9]+$/.test(numberDigits(n))) return false;
  // Equal-length digit strings with the same prefix compare like the integers they spell.
  return n >= range.start && n <= range.end;
}

/** True when start and end are digit strings of equal length, with a + exactly when the kind is public. */
export function isWellFormedRange(range: NumberRange): boolean {
  const pattern = range.kind === 'public' ? /^\+[0-9]+$/ : /^[0-9]+$/;
  return range.start.length === range.end.length && pattern.test(range.start) && pattern.test(range.end);
}

/** How many numbers the range holds (0 when end is below start or the range is malformed). */
export function rangeSize(range: NumberRange): number {
  if (!isWellFormedRange(range)) return 0;
  const size = BigInt(numberDigits(range.end)) - BigInt(numberDigits(range.start)) + 1n;
  // Valid numbers have at most 15 digits, so the size is exact as a double.
  return size > 0n ? Number(size) : 0;
}

/** True when the two ranges share at least one number (same kind, same length, intervals meet). */
export function rangesOverlap(a: NumberRange, b: NumberRange): boolean {
  if (a.kind !== b.kind || a.start.length !== b.start.length) return false;
  if (rangeSize(a) === 0 || rangeSize(b) === 0) return false;
  return a.start <= b.end && b.start <= a.end;
}

/** The first range that contains `number`, or undefined; keeps the caller's range type (e.g. with flags). */
export function findRangeFor<R extends NumberRange>(ranges: readonly R[], number: string): R | undefined {
  const n = normalizeNumber(number);
  return ranges.find((range) => rangeContains(range, n));
}

/** The range's start and end as integers (digits without the +). */
export function rangeBounds(range: NumberRange): { first: bigint; last: bigint; digitCount: number } {
  return {
    first: BigInt(numberDigits(range.start)),
    last: BigInt(numberDigits(range.end)),
    digitCount: numberDigits(range.start).length,
  };
}
