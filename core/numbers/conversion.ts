// Number conversion (SPEC §3): prefix rewrites applied to what a user dials before it leaves on a
// trunk. Pure: digits are compared as equal-length strings, never as numbers, so leading zeros count.

/** Match `prefix` followed by exactly `digits` digits (within one of `ranges`, if any); replace the prefix by `rewrite`. */
export interface ConversionRule {
  prefix: string;
  digits: number;
  /** Each bound is exactly `digits` digits long; empty = any digits. */
  ranges: Array<{ from: string; to: string }>;
  /** Replaces the prefix; empty strips it (an outside-line digit, say). A rule with rewrite = prefix pins numbers as dialled. */
  rewrite: string;
}

/** Most digits a rule may require after its prefix (E.164 numbers have at most 15). */
export const MAX_CONVERSION_DIGITS = 20;
export const MAX_CONVERSION_PREFIX_LENGTH = 20;
export const MAX_CONVERSION_REWRITE_LENGTH = 32;
export const MAX_CONVERSION_RANGES = 50;

/** Emergency (112) bypasses conversion and 114 is never converted: both leave exactly as dialled. */
export const NEVER_CONVERTED: ReadonlySet<string> = new Set(['112', '114']);

// What a dial string may hold besides digits: a leading + and the keypad's * and #.
const DIAL_TEXT = /^\+?[0-9*#]*$/;
const DIGITS = /^[0-9]*$/;

/** One problem of a rule: the path of the offending value inside the rule (`ranges.0.to`) and why. */
export interface ConversionRuleProblem {
  path: Array<string | number>;
  message: string;
}

/** The first problem of a rule, or null when it is valid. */
export function conversionRuleProblem(r: ConversionRule): ConversionRuleProblem | null {
  if (typeof r.prefix !== 'string' || r.prefix.length > MAX_CONVERSION_PREFIX_LENGTH || !DIAL_TEXT.test(r.prefix)) {
    return { path: ['prefix'], message: `must be at most ${MAX_CONVERSION_PREFIX_LENGTH} of 0-9 * #, optionally starting with +` };
  }
  if (!Number.isInteger(r.digits) || r.digits < 0 || r.digits > MAX_CONVERSION_DIGITS) {
    return { path: ['digits'], message: `must be a whole number from 0 to ${MAX_CONVERSION_DIGITS}` };
  }
  // Otherwise the rule would match only the empty string.
  if (r.prefix.length === 0 && r.digits === 0) return { path: ['digits'], message: 'must be at least 1 when the prefix is empty' };
  if (!Array.isArray(r.ranges) || r.ranges.length > MAX_CONVERSION_RANGES) {
    return { path: ['ranges'], message: `must be a list of at most ${MAX_CONVERSION_RANGES} ranges` };
  }
  if (r.ranges.length > 0 && r.digits === 0) return { path: ['ranges'], message: 'must be empty when the rule takes no digits after the prefix' };
  for (const [i, range] of r.ranges.entries()) {
    for (const bound of ['from', 'to'] as const) {
      const v = (range as Partial<Record<'from' | 'to', unknown>> | null)?.[bound];
      if (typeof v !== 'string' || v.length !== r.digits || !DIGITS.test(v)) {
        return { path: ['ranges', i, bound], message: `must be exactly ${r.digits} digit${r.digits === 1 ? '' : 's'} (the rule's digits)` };
      }
    }
    if (range.to < range.from) return { path: ['ranges', i, 'to'], message: 'must not be below from' };
  }
  if (typeof r.rewrite !== 'string' || r.rewrite.length > MAX_CONVERSION_REWRITE_LENGTH || !DIAL_TEXT.test(r.rewrite)) {
    return { path: ['rewrite'], message: `must be at most ${MAX_CONVERSION_REWRITE_LENGTH} of 0-9 * #, optionally starting with +` };
  }
  if (r.rewrite === '' && r.digits === 0)
    return { path: ['rewrite'], message: 'must not be empty when the rule takes no digits (the number would become empty)' };
  return null;
}

/** Null when the rule is valid, else one message naming the offending field (`ranges.0.to: must not be below from`). */
export function validateConversionRule(r: ConversionRule): string | null {
  const p = conversionRuleProblem(r);
  return p === null ? null : `${p.path.join('.')}: ${p.message}`;
}

/** True when `dialled` is the rule's prefix followed by exactly its number of digits, inside a range if it has any. */
export function ruleMatches(rule: ConversionRule, dialled: string): boolean {
  if (dialled.length !== rule.prefix.length + rule.digits || !dialled.startsWith(rule.prefix)) return false;
  const tail = dialled.slice(rule.prefix.length);
  if (!DIGITS.test(tail)) return false;
  if (rule.ranges.length === 0) return true;
  // Bounds of another length never match: equal-length digit strings compare like the integers they spell.
  return rule.ranges.some((r) => r.from.length === tail.length && r.to.length === tail.length && tail >= r.from && tail <= r.to);
}

/**
 * Converts a dialled number with the first rule that matches all of it, trying the sets in the
 * order given (most specific first: the user's, their groups' by priority, the organization's)
 * and each set's rules in order. No match leaves the number as dialled; so do 112 and 114.
 */
export function convertNumber(dialled: string, ruleSets: readonly (readonly ConversionRule[])[]): string {
  if (NEVER_CONVERTED.has(dialled)) return dialled;
  for (const rules of ruleSets) {
    for (const rule of rules) {
      if (!ruleMatches(rule, dialled)) continue;
      return rule.rewrite + dialled.slice(rule.prefix.length);
    }
  }
  return dialled;
}
