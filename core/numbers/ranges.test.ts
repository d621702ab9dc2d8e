import { describe, it, expect } from 'vitest';
import type { NumberRange } from './ranges.ts';
import { findRangeFor, parseNumberRange, rangeContains, rangeSize, rangesOverlap } from './ranges.ts';

const pub = (start: string, end: string): NumberRange => ({ kind: 'public', start, end });
const int = (start: string, end: string): NumberRange => ({ kind: 'internal', start, end });

describe('parseNumberRange', () => {
  it('normalises pasted public numbers into a range', () => {
    expect(parseNumberRange({ kind: 'public', start: '+45 88 88 77 00', end: '+45-8888-7799' })).toEqual({
      ok: true,
      range: pub('+4588887700', '+4588887799'),
    });
  });

  it('accepts internal ranges with leading zeros and a single-number range', () => {
    expect(parseNumberRange({ kind: 'internal', start: '0100', end: '0199' })).toEqual({
      ok: true,
      range: int('0100', '0199'),
    });
    expect(parseNumberRange({ kind: 'internal', start: '1500', end: '1500' })).toEqual({
      ok: true,
      range: int('1500', '1500'),
    });
  });

  it('accepts a range of exactly 1,000,000 numbers', () => {
    expect(parseNumberRange({ kind: 'public', start: '+4580000000', end: '+4580999999' }).ok).toBe(true);
  });

  it('rejects an unknown kind', () => {
    expect(parseNumberRange({ kind: 'mobile', start: '+4588887700', end: '+4588887799' })).toEqual({
      ok: false,
      field: 'kind',
      reason: 'must be "public" or "internal"',
    });
  });

  it('rejects a start that is missing or malformed, naming start', () => {
    expect(parseNumberRange({ kind: 'public', start: ' ', end: '+4588887799' })).toEqual({
      ok: false,
      field: 'start',
      reason: 'is required',
    });
    expect(parseNumberRange({ kind: 'public', start: '4588887700', end: '+4588887799' })).toMatchObject({
      ok: false,
      field: 'start',
    });
    expect(parseNumberRange({ kind: 'internal', start: '1', end: '9' })).toEqual({
      ok: false,
      field: 'start',
      reason: 'must have 2–10 digits (has 1)',
    });
  });

  it('rejects an end of the other kind, naming end', () => {
    expect(parseNumberRange({ kind: 'internal', start: '1500', end: '+1599' })).toEqual({
      ok: false,
      field: 'end',
      reason: 'is a public number, not an internal extension',
    });
  });

  it('rejects start and end of different lengths', () => {
    expect(parseNumberRange({ kind: 'internal', start: '100', end: '1000' })).toEqual({
      ok: false,
      field: 'end',
      reason: 'must have the same number of digits as start (3)',
    });
    expect(parseNumberRange({ kind: 'public', start: '+4588887700', end: '+458888779' })).toMatchObject({
      ok: false,
      field: 'end',
    });
  });

  it('rejects an end below start', () => {
    expect(parseNumberRange({ kind: 'internal', start: '1599', end: '1500' })).toEqual({
      ok: false,
      field: 'end',
      reason: 'must not be below start',
    });
  });

  it('rejects a range of more than 1,000,000 numbers', () => {
    expect(parseNumberRange({ kind: 'public', start: '+4580000000', end: '+4581000000' })).toEqual({
      ok: false,
      field: 'end',
      reason: 'range holds 1000001 numbers; at most 1000000 are allowed',
    });
  });
});

describe('rangeContains', () => {
  const range = pub('+4588887700', '+4588887799');

  it('contains its first and last number but not the neighbours', () => {
    expect(rangeContains(range, '+4588887700')).toBe(true);
    expect(rangeContains(range, '+4588887799')).toBe(true);
    expect(rangeContains(range, '+4588887699')).toBe(false);
    expect(rangeContains(range, '+4588887800')).toBe(false);
  });

  it('normalises the number before testing', () => {
    expect(rangeContains(range, '+45 88 88 77 42')).toBe(true);
  });

  it('does not contain numbers of another length or kind', () => {
    expect(rangeContains(range, '+458888770')).toBe(false);
    expect(rangeContains(range, '+45888877000')).toBe(false);
    expect(rangeContains(range, '4588887750')).toBe(false);
    expect(rangeContains(int('4588887700', '4588887799'), '+4588887750')).toBe(false);
  });

  it('treats leading zeros as significant', () => {
    const zeros = int('0100', '0199');
    expect(rangeContains(zeros, '0100')).toBe(true);
    expect(rangeContains(zeros, '0150')).toBe(true);
    expect(rangeContains(zeros, '100')).toBe(false);
    expect(rangeContains(zeros, '00150')).toBe(false);
    expect(rangeContains(int('100', '199'), '0100')).toBe(false);
  });

  it('compares 15-digit numbers exactly', () => {
    const big = pub('+999999999999990', '+999999999999999');
    expect(rangeContains(big, '+999999999999995')).toBe(true);
    expect(rangeContains(big, '+999999999999989')).toBe(false);
  });
});

describe('rangeSize', () => {
  it('counts both ends', () => {
    expect(rangeSize(pub('+4588887700', '+4588887799'))).toBe(100);
    expect(rangeSize(int('1500', '1500'))).toBe(1);
    expect(rangeSize(int('0000', '9999'))).toBe(10_000);
  });

  it('is 0 for an inverted or malformed range', () => {
    expect(rangeSize(int('1599', '1500'))).toBe(0);
    expect(rangeSize(int('100', '1000'))).toBe(0);
    expect(rangeSize(pub('4588', '4599'))).toBe(0);
  });
});

describe('rangesOverlap', () => {
  it('detects shared numbers, including a single shared edge', () => {
    expect(rangesOverlap(int('1500', '1599'), int('1550', '1650'))).toBe(true);
    expect(rangesOverlap(int('1500', '1599'), int('1599', '1699'))).toBe(true);
    expect(rangesOverlap(int('1500', '1599'), int('1520', '1530'))).toBe(true);
    expect(rangesOverlap(int('1520', '1530'), int('1500', '1599'))).toBe(true);
  });

  it('does not overlap adjacent ranges, other lengths or other kinds', () => {
    expect(rangesOverlap(int('1500', '1599'), int('1600', '1699'))).toBe(false);
    expect(rangesOverlap(int('150', '159'), int('1500', '1599'))).toBe(false);
    expect(rangesOverlap(int('4588887700', '4588887799'), pub('+4588887700', '+4588887799'))).toBe(false);
  });
});

describe('findRangeFor', () => {
  it('returns the containing range with its extra fields', () => {
    const ranges = [
      { ...int('1500', '1599'), dialFromIvr: true },
      { ...pub('+4588887700', '+4588887799'), dialFromIvr: false },
    ];
    expect(findRangeFor(ranges, '+45 8888 7710')).toBe(ranges[1]);
    expect(findRangeFor(ranges, '1599')?.dialFromIvr).toBe(true);
    expect(findRangeFor(ranges, '1600')).toBeUndefined();
  });
});
