// Public entry of core/numbers: number formats, ranges, available numbers and extension blocks (SPEC §3).

export type { NumberKind } from './number-format.ts';
export { INTERNAL_DIGITS, PUBLIC_DIGITS, classifyNumber, formatNumber, normalizeNumber, numberDigits, numberFormatProblem } from './number-format.ts';
export type { NumberRange, NumberRangeInput, ParseNumberRangeResult } from './ranges.ts';
export { MAX_RANGE_SIZE, findRangeFor, isWellFormedRange, parseNumberRange, rangeBounds, rangeContains, rangeSize, rangesOverlap } from './ranges.ts';
export type { AvailableNumbersOptions, AvailableNumbersPage } from './available-numbers.ts';
export { listAvailableNumbers } from './available-numbers.ts';
export type { FunctionNumberKind } from './extension-blocks.ts';
export { suggestExtensionBlock } from './extension-blocks.ts';
