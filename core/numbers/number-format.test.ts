import { describe, it, expect } from 'vitest';
import { classifyNumber, formatNumber, normalizeNumber, numberFormatProblem } from './number-format.ts';

describe('normalizeNumber', () => {
  it('strips the spaces, dashes and dots a user pastes in', () => {
    expect(normalizeNumber('+45 88 88 77 00')).toBe('+4588887700');
    expect(normalizeNumber('+45-88.88-77.00')).toBe('+4588887700');
    expect(normalizeNumber(' 15\u00a000 ')).toBe('1500');
    expect(normalizeNumber('+45\u201388 88 77 00')).toBe('+4588887700');
  });

  it('keeps leading zeros and other characters', () => {
    expect(normalizeNumber('0100')).toBe('0100');
    expect(normalizeNumber('(45) 88')).toBe('(45)88');
  });
});

describe('classifyNumber', () => {
  it('classifies E.164 numbers with 2 to 15 digits as public', () => {
    expect(classifyNumber('+4588887700')).toBe('public');
    expect(classifyNumber('+45 88 88 77 00')).toBe('public');
    expect(classifyNumber('+12')).toBe('public');
    expect(classifyNumber('+123456789012345')).toBe('public');
  });

  it('classifies 2 to 10 digits as internal, leading zeros included', () => {
    expect(classifyNumber('15')).toBe('internal');
    expect(classifyNumber('0100')).toBe('internal');
    expect(classifyNumber('1234567890')).toBe('internal');
  });

  it('classifies everything else as invalid', () => {
    for (const n of ['', '+', '+1', '+1234567890123456', '+0123', '1', '12345678901', '15a0', '+45 88x', '++4588']) {
      expect(classifyNumber(n), n).toBe('invalid');
    }
  });
});

describe('numberFormatProblem', () => {
  it('accepts valid numbers of the expected kind', () => {
    expect(numberFormatProblem('+4588887700', 'public')).toBeUndefined();
    expect(numberFormatProblem('0100', 'internal')).toBeUndefined();
  });

  it('explains why a number is not valid for the kind', () => {
    expect(numberFormatProblem('', 'public')).toBe('is required');
    expect(numberFormatProblem('4588887700', 'public')).toMatch(/E\.164/);
    expect(numberFormatProblem('+0588', 'public')).toMatch(/\+0/);
    expect(numberFormatProblem('+1', 'public')).toBe('must have 2–15 digits after the + (has 1)');
    expect(numberFormatProblem('+45a8', 'public')).toBe('may contain only digits after the +');
    expect(numberFormatProblem('+4588', 'internal')).toBe('is a public number, not an internal extension');
    expect(numberFormatProblem('12345678901', 'internal')).toBe('must have 2–10 digits (has 11)');
    expect(numberFormatProblem('1', 'internal')).toBe('must have 2–10 digits (has 1)');
    expect(numberFormatProblem('15#', 'internal')).toBe('may contain only digits');
  });
});

describe('formatNumber', () => {
  it('zero-pads to the digit count and prefixes public numbers with +', () => {
    expect(formatNumber('internal', 7n, 4)).toBe('0007');
    expect(formatNumber('public', 4588887700n, 10)).toBe('+4588887700');
  });
});
