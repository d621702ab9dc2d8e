import { z } from 'zod';

/** Query parameters every list accepts: pagination, sorting and free-text search. */
export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  sort: z.string().max(40).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  q: z.string().max(200).optional(),
});
export type ListQueryInput = z.infer<typeof listQuery>;

export const uuid = z.uuid({ message: 'must be a UUID' });
export const orgParams = z.object({ orgId: uuid });
export const orgItemParams = z.object({ orgId: uuid, id: uuid });

/** A page of results as every list returns it. */
export function page<T>(items: T[], total: number, q: { limit: number; offset: number }) {
  return { items, total, limit: q.limit, offset: q.offset };
}

export const LANGUAGES = ['en', 'da', 'sv', 'nb', 'fr'] as const;
export const language = z.enum(LANGUAGES);

const zones = new Set(Intl.supportedValuesOf('timeZone'));
zones.add('UTC');
export const timeZone = z
  .string()
  .max(64)
  .refine((tz) => zones.has(tz), { message: 'must be an IANA time zone such as Europe/Copenhagen' });

/** A phone number as people type it: E.164 or digits, with spaces/dashes/dots tolerated. */
export const phoneNumber = z
  .string()
  .max(32)
  .transform((s) => s.replace(/[\s.()-]/g, ''))
  .pipe(z.string().regex(/^\+?[0-9]{2,20}$/, { message: 'must be a phone number: digits, optionally starting with +' }));

export const shortText = z.string().trim().max(200);
export const name = z.string().trim().min(1).max(100);
// Usernames are email-shaped and may hold letters such as æøå (RFC 6531), which z.email() refuses.
export const emailUsername = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@<>()[\],;:"]{1,64}@[^\s@<>()[\],;:"_]+\.[^\s@<>()[\],;:"_]{2,}$/u, { message: 'must be an email address' });
