import { z } from 'zod';
import { directoryFieldNumber, directoryValue } from '../directory/schemas.ts';
import { language, phoneNumber } from '../schemas/common.ts';

/** What users may change about themselves; everything else is an administrator's. */
export const meUpdate = z.strictObject({
  language: language.optional(),
  forwardNumber: phoneNumber.nullable().optional(),
  password: z
    .strictObject({
      current: z.string().min(1).max(1024),
      new: z.string().min(8, { message: 'must be at least 8 characters' }).max(1024),
    })
    .optional(),
});
export type MeUpdateBody = z.infer<typeof meUpdate>;

export const directoryFieldParams = z.object({ field: directoryFieldNumber });

export const directoryChangeBody = z.strictObject({ value: directoryValue });
