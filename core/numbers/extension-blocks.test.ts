import { describe, it, expect } from 'vitest';
import { suggestExtensionBlock } from './extension-blocks.ts';

describe('suggestExtensionBlock', () => {
  it('suggests 1500–1599 for ACD, attendant and hunt groups', () => {
    for (const kind of ['acd', 'attendant', 'hunt'] as const) {
      expect(suggestExtensionBlock(kind)).toEqual({ kind: 'internal', start: '1500', end: '1599' });
    }
  });

  it('suggests 1600–1699 for IVR numbers and 1700–1799 for rule-based numbers', () => {
    expect(suggestExtensionBlock('ivr')).toEqual({ kind: 'internal', start: '1600', end: '1699' });
    expect(suggestExtensionBlock('rule_based')).toEqual({ kind: 'internal', start: '1700', end: '1799' });
  });

  it('returns a fresh object the caller may change', () => {
    const block = suggestExtensionBlock('ivr');
    block.start = '1650';
    expect(suggestExtensionBlock('ivr').start).toBe('1600');
  });
});
