import { z } from 'zod';
import {
  MAX_CONVERSION_DIGITS,
  MAX_CONVERSION_PREFIX_LENGTH,
  MAX_CONVERSION_RANGES,
  MAX_CONVERSION_REWRITE_LENGTH,
  conversionRuleProblem,
} from '../../core/numbers/conversion.ts';
import { uuid } from '../schemas/common.ts';

/** Most rules one target may have. */
export const MAX_CONVERSION_RULES = 200;

export const orgConversionParams = z.object({ orgId: uuid });
export const groupConversionParams = z.object({ orgId: uuid, groupId: uuid });
export const userConversionParams = z.object({ orgId: uuid, userId: uuid });

// Spaces, dots, dashes and brackets people type in numbers are dropped, as for phone numbers.
const dialText = (max: number) =>
  z
    .string()
    .max(max * 2)
    .transform((s) => s.replace(/[\s.()-]/g, ''))
    .pipe(
      z
        .string()
        .max(max)
        .regex(/^\+?[0-9*#]*$/, { message: 'must be 0-9, * and #, optionally starting with +' }),
    );

const rangeBound = z.string().regex(/^[0-9]{1,20}$/, { message: 'must be digits' });

export const conversionRule = z
  .strictObject({
    /** Dialled numbers starting with this match (may be empty: any number of `digits` digits). */
    prefix: dialText(MAX_CONVERSION_PREFIX_LENGTH),
    /** Exactly this many digits must follow the prefix. */
    digits: z.number().int().min(0).max(MAX_CONVERSION_DIGITS),
    /** Optional restriction of those digits; each bound has exactly `digits` digits (`07`–`15`). */
    ranges: z
      .array(z.strictObject({ from: rangeBound, to: rangeBound }))
      .max(MAX_CONVERSION_RANGES)
      .default([]),
    /** Replaces the prefix; empty strips it. */
    rewrite: dialText(MAX_CONVERSION_REWRITE_LENGTH),
  })
  .superRefine((rule, ctx) => {
    const problem = conversionRuleProblem(rule);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });

/** The whole list of one target, in the order its rules are tried; it replaces the stored list. */
export const conversionRulesPut = z.strictObject({
  rules: z.array(conversionRule).max(MAX_CONVERSION_RULES),
});
export type ConversionRulesPutBody = z.infer<typeof conversionRulesPut>;
