import { describe, expect, it } from 'vitest';
import { convertNumber, ruleMatches, validateConversionRule, conversionRuleProblem, type ConversionRule } from './conversion.ts';

const rule = (prefix: string, digits: number, rewrite: string, ranges: [string, string][] = []): ConversionRule => ({
  prefix,
  digits,
  rewrite,
  ranges: ranges.map(([from, to]) => ({ from, to })),
});

describe('convertNumber', () => {
  it('replaces the prefix and keeps the digits: 1 + 3 digits → +451 turns 1813 into +451813', () => {
    expect(convertNumber('1813', [[rule('1', 3, '+451')]])).toBe('+451813');
  });

  it('converts 205 to +4588773175 with prefix 20, one digit in 0-9, rewrite +458877317', () => {
    expect(convertNumber('205', [[rule('20', 1, '+458877317', [['0', '9']])]])).toBe('+4588773175');
  });

  it('matches only the whole dialled string: too few or too many digits after the prefix stay unchanged', () => {
    const sets = [[rule('1', 3, '+451')]];
    expect(convertNumber('181', sets)).toBe('181');
    expect(convertNumber('18134', sets)).toBe('18134');
    expect(convertNumber('2813', sets)).toBe('2813');
  });

  it('requires digits after the prefix: * and # do not count as digits', () => {
    expect(convertNumber('18*3', [[rule('1', 3, '+451')]])).toBe('18*3');
  });

  it('restricts the digits to the ranges, compared as same-length digit strings with leading zeros', () => {
    const sets = [
      [
        rule('2', 2, '+4588773', [
          ['07', '15'],
          ['17', '29'],
        ]),
      ],
    ];
    expect(convertNumber('207', sets)).toBe('+458877307');
    expect(convertNumber('215', sets)).toBe('+458877315');
    expect(convertNumber('229', sets)).toBe('+458877329');
    expect(convertNumber('206', sets)).toBe('206');
    expect(convertNumber('216', sets)).toBe('216');
    expect(convertNumber('230', sets)).toBe('230');
  });

  it('converts 00 to + for international numbers, and national 8-digit numbers with an empty prefix', () => {
    const template = [rule('00', 10, '+'), rule('', 8, '+45')];
    expect(convertNumber('004670123456', [template])).toBe('+4670123456');
    expect(convertNumber('70101010', [template])).toBe('+4570101010');
  });

  it('strips the prefix when the rewrite is empty', () => {
    expect(convertNumber('070101010', [[rule('0', 8, '')]])).toBe('70101010');
  });

  it('uses the first matching rule of a set, in stored order', () => {
    expect(convertNumber('1500', [[rule('15', 2, '+4511'), rule('1', 3, '+452')]])).toBe('+451100');
    expect(convertNumber('1500', [[rule('1', 3, '+452'), rule('15', 2, '+4511')]])).toBe('+452500');
  });

  it('tries the sets in the order given, most specific first, and falls through sets that do not match', () => {
    const user = [rule('9', 3, '+4690')];
    const group = [rule('1', 3, '+4520')];
    const org = [rule('1', 3, '+4510'), rule('8', 3, '+4580')];
    expect(convertNumber('1234', [user, group, org])).toBe('+4520234');
    expect(convertNumber('8234', [user, group, org])).toBe('+4580234');
    expect(convertNumber('9234', [user, group, org])).toBe('+4690234');
    expect(convertNumber('7234', [user, group, org])).toBe('7234');
  });

  it('leaves a number no rule matches unchanged, and works with no rule sets at all', () => {
    expect(convertNumber('+4570101010', [[rule('1', 3, '+451')]])).toBe('+4570101010');
    expect(convertNumber('1813', [])).toBe('1813');
  });

  it('never converts 112 and 114, even when a rule matches them', () => {
    const sets = [[rule('11', 1, '+4511'), rule('', 3, '+45')]];
    expect(convertNumber('112', sets)).toBe('112');
    expect(convertNumber('114', sets)).toBe('114');
    expect(convertNumber('113', sets)).toBe('+45113');
  });

  it('never matches a stored range whose bounds have another length than the rule’s digits', () => {
    expect(ruleMatches(rule('2', 2, '+45', [['7', '15']]), '207')).toBe(false);
    expect(
      ruleMatches(
        rule('2', 2, '+45', [
          ['7', '15'],
          ['00', '09'],
        ]),
        '207',
      ),
    ).toBe(true);
  });
});

describe('validateConversionRule', () => {
  it('accepts the guide’s examples and the template defaults', () => {
    for (const r of [rule('1', 3, '+451'), rule('20', 1, '+458877317', [['0', '9']]), rule('00', 10, '+'), rule('', 8, '+45'), rule('0', 8, '')]) {
      expect(validateConversionRule(r)).toBeNull();
    }
  });

  it('names the offending field of a bad rule', () => {
    const cases: [ConversionRule, string][] = [
      [rule('1a', 3, '+45'), 'prefix'],
      [rule('1+', 3, '+45'), 'prefix'],
      [rule('1'.repeat(21), 3, '+45'), 'prefix'],
      [rule('1', -1, '+45'), 'digits'],
      [rule('1', 1.5, '+45'), 'digits'],
      [rule('1', 21, '+45'), 'digits'],
      [rule('', 0, '+45'), 'digits'],
      [rule('1', 0, '+45', [['0', '9']]), 'ranges'],
      [
        rule('1', 2, '+45', [
          ['07', '15'],
          ['7', '15'],
        ]),
        'ranges.1.from',
      ],
      [rule('1', 2, '+45', [['07', '1x']]), 'ranges.0.to'],
      [rule('1', 2, '+45', [['15', '07']]), 'ranges.0.to'],
      [rule('1', 2, '4 5'), 'rewrite'],
      [rule('1', 0, ''), 'rewrite'],
    ];
    for (const [r, field] of cases) {
      expect(conversionRuleProblem(r)?.path.join('.'), JSON.stringify(r)).toBe(field);
      expect(validateConversionRule(r), JSON.stringify(r)).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}: `));
    }
  });

  it('refuses more than 50 ranges in one rule', () => {
    const ranges: [string, string][] = Array.from({ length: 51 }, (_, i) => [String(i).padStart(2, '0'), String(i).padStart(2, '0')]);
    expect(validateConversionRule(rule('1', 2, '+45', ranges))).toMatch(/^ranges: /);
  });
});
