import { z } from 'zod';
import { uuid } from '../schemas/common.ts';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time such as 2026-01-31T23:00:00Z' }).transform((s) => new Date(s));

export const cdrListQuery = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    direction: z.enum(['internal', 'inbound', 'outbound']).optional(),
    userId: uuid.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  })
  .refine((q) => !q.from || !q.to || q.from.getTime() <= q.to.getTime(), { message: 'must not be before from', path: ['to'] });
