import { describe, expect, it } from 'vitest';
import { canonicalModel, normalizeMac } from './hardware.ts';

describe('desk-phone hardware', () => {
  it('normalises the usual MAC spellings to 12 lower-case hex digits', () => {
    expect(normalizeMac('00:04:13:aa:bb:cc')).toBe('000413aabbcc');
    expect(normalizeMac('00-04-13-AA-BB-CC')).toBe('000413aabbcc');
    expect(normalizeMac('000413AABBCC')).toBe('000413aabbcc');
    expect(normalizeMac(' 0004.13aa.bbcc ')).toBe('000413aabbcc');
  });

  it('refuses mixed separators, wrong lengths, non-hex, all-zero and broadcast MACs', () => {
    for (const bad of [
      '00:04:13-aa:bb:cc',
      '00:04:13:aa:bb',
      '000413aabbc',
      '000413aabbccd',
      '00:04:13:aa:bb:cg',
      '',
      '00:00:00:00:00:00',
      'ff:ff:ff:ff:ff:ff',
      '0:4:13:aa:bb:cc',
    ]) {
      expect(normalizeMac(bad), bad).toBeUndefined();
    }
  });

  it('accepts a model in any capitalisation, with or without the vendor, Mitel with or without the i', () => {
    expect(canonicalModel('Snom D785')).toBe('Snom D785');
    expect(canonicalModel('snom  d785')).toBe('Snom D785');
    expect(canonicalModel('D735')).toBe('Snom D735');
    expect(canonicalModel('mitel 6867')).toBe('Mitel 6867i');
    expect(canonicalModel('6873I')).toBe('Mitel 6873i');
    expect(canonicalModel('Snom Meeting Point')).toBe('Snom Meeting Point');
    expect(canonicalModel('Polycom VVX 411')).toBeUndefined();
    expect(canonicalModel('')).toBeUndefined();
  });
});
