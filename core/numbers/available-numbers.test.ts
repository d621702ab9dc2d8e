import { describe, it, expect } from 'vitest';
import { listAvailableNumbers } from './available-numbers.ts';
import type { NumberRange } from './ranges.ts';

const pub = (start: string, end: string): NumberRange => ({ kind: 'public', start, end });
const int = (start: string, end: string): NumberRange => ({ kind: 'internal', start, end });
const none: ReadonlySet<string> = new Set();

describe('listAvailableNumbers', () => {
  it('lists the first page of a range in ascending order', () => {
    expect(listAvailableNumbers([int('1500', '1599')], none, { limit: 3, offset: 0 })).toEqual({
      items: ['1500', '1501', '1502'],
      total: 100,
    });
  });

  it('skips used numbers and subtracts them from the total', () => {
    const used = new Set(['1500', '1502', '1599']);
    expect(listAvailableNumbers([int('1500', '1599')], used, { limit: 3, offset: 0 })).toEqual({
      items: ['1501', '1503', '1504'],
      total: 97,
    });
    expect(listAvailableNumbers([int('1500', '1599')], used, { limit: 5, offset: 95 })).toEqual({
      items: ['1597', '1598'],
      total: 97,
    });
  });

  it('ignores used numbers outside the ranges and counts duplicates once', () => {
    const used = new Set(['1600', '+4512345678', '150', '1501', '15 01', 'abc']);
    expect(listAvailableNumbers([int('1500', '1509')], used, { limit: 20, offset: 0 })).toEqual({
      items: ['1500', '1502', '1503', '1504', '1505', '1506', '1507', '1508', '1509'],
      total: 9,
    });
  });

  it('keeps leading zeros', () => {
    expect(listAvailableNumbers([int('0098', '0101')], new Set(['0099']), { limit: 10, offset: 0 })).toEqual({
      items: ['0098', '0100', '0101'],
      total: 3,
    });
  });

  it('pages a 1,000,000-number range with used numbers without walking it', () => {
    const range = pub('+4580000000', '+4580999999');
    const used = new Set(['+4580000000', '+4580000002', '+4580500000', '+4580500001', '+4580999998', '+4599999999']);
    const started = performance.now();

    expect(listAvailableNumbers([range], used, { limit: 3, offset: 0 })).toEqual({
      items: ['+4580000001', '+4580000003', '+4580000004'],
      total: 999_995,
    });
    // 499,998 free numbers lie below +4580500000, so offset 499,997 is the last of them.
    expect(listAvailableNumbers([range], used, { limit: 3, offset: 499_997 })).toEqual({
      items: ['+4580499999', '+4580500002', '+4580500003'],
      total: 999_995,
    });
    expect(listAvailableNumbers([range], used, { limit: 10, offset: 999_993 })).toEqual({
      items: ['+4580999997', '+4580999999'],
      total: 999_995,
    });
    expect(listAvailableNumbers([range], used, { limit: 10, offset: 999_995 })).toEqual({
      items: [],
      total: 999_995,
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('counts many used numbers on a 1,000,000-number range', () => {
    const used = new Set<string>();
    for (let i = 0; i < 1_000_000; i += 10) used.add(String(1_000_000 + i)); // every 10th of 1000000–1999999
    const page = listAvailableNumbers([int('1000000', '1999999')], used, { limit: 4, offset: 8 });
    expect(page).toEqual({ items: ['1000009', '1000011', '1000012', '1000013'], total: 900_000 });
  });

  it('continues a page across ranges: public first, then internal by length and value', () => {
    const ranges = [int('1500', '1502'), int('20', '21'), pub('+4588887798', '+4588887799'), int('0100', '0100')];
    const used = new Set(['+4588887799', '1501']);
    expect(listAvailableNumbers(ranges, used, { limit: 100, offset: 0 })).toEqual({
      items: ['+4588887798', '20', '21', '0100', '1500', '1502'],
      total: 6,
    });
    expect(listAvailableNumbers(ranges, used, { limit: 3, offset: 2 })).toEqual({
      items: ['21', '0100', '1500'],
      total: 6,
    });
  });

  it('pages across two large ranges with the total of both', () => {
    const ranges = [pub('+4570000000', '+4570999999'), pub('+4580000000', '+4580999999')];
    const used = new Set(['+4570999999', '+4580000000']);
    expect(listAvailableNumbers(ranges, used, { limit: 3, offset: 999_997 })).toEqual({
      items: ['+4570999997', '+4570999998', '+4580000001'],
      total: 1_999_998,
    });
  });

  it('filters by kind', () => {
    const ranges = [int('1500', '1509'), pub('+4588887700', '+4588887704')];
    expect(listAvailableNumbers(ranges, none, { limit: 2, offset: 0, kind: 'internal' })).toEqual({
      items: ['1500', '1501'],
      total: 10,
    });
    expect(listAvailableNumbers(ranges, none, { limit: 10, offset: 0, kind: 'public' }).total).toBe(5);
  });

  it('counts numbers of overlapping ranges once', () => {
    const ranges = [int('1500', '1509'), int('1505', '1514'), int('1515', '1519')];
    const page = listAvailableNumbers(ranges, new Set(['1507']), { limit: 100, offset: 0 });
    expect(page.total).toBe(19);
    expect(page.items).toHaveLength(19);
    expect(new Set(page.items).size).toBe(19);
  });

  it('ignores malformed ranges and returns nothing for a zero or negative limit', () => {
    expect(listAvailableNumbers([int('1599', '1500'), pub('4588', '4599')], none, { limit: 5, offset: 0 })).toEqual({
      items: [],
      total: 0,
    });
    expect(listAvailableNumbers([int('1500', '1599')], none, { limit: 0, offset: 0 })).toEqual({
      items: [],
      total: 100,
    });
    expect(listAvailableNumbers([int('1500', '1599')], none, { limit: -1, offset: -5 }).items).toEqual([]);
    expect(listAvailableNumbers([int('1500', '1599')], none, { limit: 1, offset: -5 }).items).toEqual(['1500']);
  });
});
