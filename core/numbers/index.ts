// Public entry of core/numbers: number formats, ranges, available numbers, extension blocks and number conversion (SPEC §3).

export type { NumberKind } from './number-format.ts';
export { INTERNAL_DIGITS, PUBLIC_DIGITS, classifyNumber, formatNumber, normalizeNumber, numberDigits, numberFormatProblem } from './number-format.ts';
export type { NumberRange, NumberRangeInput, ParseNumberRangeResult } from './ranges.ts';
export { MAX_RANGE_SIZE, findRangeFor, isWellFormedRange, parseNumberRange, rangeBounds, rangeContains, rangeSize, rangesOverlap } from './ranges.ts';
export type { AvailableNumbersOptions, AvailableNumbersPage } from './available-numbers.ts';
export { listAvailableNumbers } from './available-numbers.ts';
export type { FunctionNumberKind } from './extension-blocks.ts';
export { suggestExtensionBlock } from './extension-blocks.ts';
export type { ConversionRule, ConversionRuleProblem } from './conversion.ts';
export {
  MAX_CONVERSION_DIGITS,
  MAX_CONVERSION_PREFIX_LENGTH,
  MAX_CONVERSION_RANGES,
  MAX_CONVERSION_REWRITE_LENGTH,
  NEVER_CONVERTED,
  conversionRuleProblem,
  convertNumber,
  ruleMatches,
  validateConversionRule,
} from './conversion.ts';
