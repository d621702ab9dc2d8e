import { z } from 'zod';
import { directoryFieldNames } from '../organizations/schemas.ts';
import { listQuery, uuid } from '../schemas/common.ts';

export const MODERATION_STATUSES = ['pending', 'approved', 'rejected'] as const;

export const directoryFieldsBody = z.strictObject({ names: directoryFieldNames });

/** A directory field's value, as users type it; control characters (NUL above all) are refused. */
export const directoryValue = z
  .string()
  .trim()
  .max(200)
  .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), { message: 'must not contain control characters' });

/** Directory fields are numbered 1–6 (1–3 searchable from clients). */
export const directoryFieldNumber = z.coerce.number({ message: 'must be a field number 1–6' }).int().min(1).max(6);

export const moderationListQuery = listQuery.extend({
  sort: z.enum(['requested_at']).optional(),
  status: z.enum(MODERATION_STATUSES).optional(),
  userId: uuid.optional(),
});
