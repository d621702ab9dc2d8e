// Conventional extension blocks for function numbers (SPEC §3): recommendations, not hard limits.

import type { NumberRange } from './ranges.ts';

/** Kinds of function numbers that have a conventional extension block. */
export type FunctionNumberKind = 'acd' | 'attendant' | 'hunt' | 'ivr' | 'rule_based';

const GROUP_BLOCK: NumberRange = Object.freeze({ kind: 'internal', start: '1500', end: '1599' });
const IVR_BLOCK: NumberRange = Object.freeze({ kind: 'internal', start: '1600', end: '1699' });
const RULE_BASED_BLOCK: NumberRange = Object.freeze({ kind: 'internal', start: '1700', end: '1799' });

/** The recommended internal block for a function number: ACD/attendant/hunt 1500–1599, IVR 1600–1699, rule-based 1700–1799. */
export function suggestExtensionBlock(kind: FunctionNumberKind): NumberRange {
  switch (kind) {
    case 'acd':
    case 'attendant':
    case 'hunt':
      return { ...GROUP_BLOCK };
    case 'ivr':
      return { ...IVR_BLOCK };
    case 'rule_based':
      return { ...RULE_BASED_BLOCK };
  }
}
