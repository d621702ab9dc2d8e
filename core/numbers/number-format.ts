// Number formats (SPEC §3): public numbers are E.164, internal extensions are short digit strings.
// Numbers are strings everywhere: leading zeros are significant ("0100" is not "100").

/** The two kinds of numbers an organization owns. */
export type NumberKind = 'public' | 'internal';

/** Fewest and most digits after the `+` of a public (E.164) number. */
export const PUBLIC_DIGITS = Object.freeze({ min: 2, max: 15 });

/** Fewest and most digits of an internal extension. */
export const INTERNAL_DIGITS = Object.freeze({ min: 2, max: 10 });

const PUBLIC_PATTERN = /^\+[1-9][0-9]{1,14}$/;
const INTERNAL_PATTERN = /^[0-9]{2,10}$/;
// What a user may paste in around the digits: whitespace (incl. no-break), dashes, dots.
const PASTED_SEPARATORS = /[\s\u00a0\u2000-\u200b\u202f\u2010-\u2015\u2212.-]/g;

/** Removes the spaces, dashes and dots a user may paste into a number (`+45 88-88.77 00`). */
export function normalizeNumber(raw: string): string {
  return String(raw).replace(PASTED_SEPARATORS, '');
}

/** Classifies a number (normalised first) as a public E.164 number, an internal extension, or invalid. */
export function classifyNumber(n: string): NumberKind | 'invalid' {
  const value = normalizeNumber(n);
  if (PUBLIC_PATTERN.test(value)) return 'public';
  if (INTERNAL_PATTERN.test(value)) return 'internal';
  return 'invalid';
}

/** Why a normalised number is not a valid number of `kind`, or undefined when it is. */
export function numberFormatProblem(value: string, kind: NumberKind): string | undefined {
  if (value === '') return 'is required';
  if (kind === 'public') {
    if (!value.startsWith('+')) {
      return /^[0-9]+$/.test(value)
        ? 'must be a public number in E.164 form starting with + and the country code (e.g. +4588887700)'
        : 'may contain only + and digits';
    }
    const digits = value.slice(1);
    if (!/^[0-9]+$/.test(digits)) return 'may contain only digits after the +';
    if (digits.length < PUBLIC_DIGITS.min || digits.length > PUBLIC_DIGITS.max) {
      return `must have ${PUBLIC_DIGITS.min}–${PUBLIC_DIGITS.max} digits after the + (has ${digits.length})`;
    }
    if (digits.startsWith('0')) return 'must not start with +0 (a country code never starts with 0)';
    return undefined;
  }
  if (value.startsWith('+')) return 'is a public number, not an internal extension';
  if (!/^[0-9]+$/.test(value)) return 'may contain only digits';
  if (value.length < INTERNAL_DIGITS.min || value.length > INTERNAL_DIGITS.max) {
    return `must have ${INTERNAL_DIGITS.min}–${INTERNAL_DIGITS.max} digits (has ${value.length})`;
  }
  return undefined;
}

/** The digits of a number without the `+` of a public number. */
export function numberDigits(n: string): string {
  return n.startsWith('+') ? n.slice(1) : n;
}

/** Formats the integer `value` as a number of `kind` with exactly `digitCount` digits (zero-padded). */
export function formatNumber(kind: NumberKind, value: bigint, digitCount: number): string {
  const digits = value.toString().padStart(digitCount, '0');
  return kind === 'public' ? `+${digits}` : digits;
}
