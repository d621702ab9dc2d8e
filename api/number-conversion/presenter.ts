import type { ConversionRule } from '../../core/numbers/conversion.ts';
import type { SettingLevelColumn } from '../../store/database.ts';

/** One target's number conversion rules, in the order they are tried. */
export function presentConversionRules(level: SettingLevelColumn, targetId: string, rules: readonly ConversionRule[]) {
  return {
    level,
    targetId,
    rules: rules.map((r) => ({ prefix: r.prefix, digits: r.digits, ranges: r.ranges.map(({ from, to }) => ({ from, to })), rewrite: r.rewrite })),
  };
}

export type ConversionRulesView = ReturnType<typeof presentConversionRules>;
