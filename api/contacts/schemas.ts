import { z } from 'zod';
import { orgParams, phoneNumber, uuid } from '../schemas/common.ts';

export const CONTACT_TYPES = ['favourite', 'contact', 'vip', 'blocked'] as const;
export const NUMBER_TYPES = ['work', 'mobile', 'home', 'fax', 'other'] as const;
export const CONTACT_KINDS = ['internal', 'external'] as const;

/** Fields only an external contact has; an internal one takes its name and numbers from the user. */
export const EXTERNAL_ONLY = ['company', 'department', 'firstName', 'lastName', 'address', 'email', 'numbers'] as const;
/** At least one of these names an external contact. */
export const NAME_FIELDS = ['firstName', 'lastName', 'company', 'shortName'] as const;

const EMAIL = /^[^\s@<>()[\],;:"]{1,64}@[^\s@<>()[\],;:"_]+\.[^\s@<>()[\],;:"_]{2,}$/u;

export const contactNumber = z.strictObject({
  number: phoneNumber,
  type: z.enum(NUMBER_TYPES),
  shortNumber: z
    .string()
    .trim()
    .regex(/^[0-9*#]{1,10}$/, { message: 'must be 1–10 digits' })
    .nullable()
    .optional(),
});
export type ContactNumberBody = z.infer<typeof contactNumber>;

const fields = {
  company: z.string().trim().max(200),
  department: z.string().trim().max(200),
  firstName: z.string().trim().max(100),
  lastName: z.string().trim().max(100),
  shortName: z.string().trim().max(50),
  address: z.string().trim().max(500),
  email: z
    .string()
    .trim()
    .max(254)
    .refine((s) => s === '' || EMAIL.test(s), { message: 'must be an email address' }),
  speedDial: z
    .string()
    .trim()
    .regex(/^[0-9]{1,4}$/, { message: 'must be 1–4 digits' })
    .nullable(),
  type: z.enum(CONTACT_TYPES),
  numbers: z.array(contactNumber).min(1, { message: 'give at least one phone number' }).max(10, { message: 'a contact has at most 10 numbers' }),
};

/**
 * A new contact. `kind` defaults to internal when `contactUserId` is given, else external. An
 * internal contact (a user of the organization) is mandatory for everyone below its owner; an
 * external one needs a name and 1–10 numbers.
 */
export const contactCreate = z
  .strictObject({
    kind: z.enum(CONTACT_KINDS).optional(),
    contactUserId: uuid.optional(),
    company: fields.company.optional(),
    department: fields.department.optional(),
    firstName: fields.firstName.optional(),
    lastName: fields.lastName.optional(),
    shortName: fields.shortName.optional(),
    address: fields.address.optional(),
    email: fields.email.optional(),
    speedDial: fields.speedDial.optional(),
    type: fields.type.optional(),
    numbers: fields.numbers.optional(),
  })
  .superRefine((v, ctx) => {
    const kind = v.kind ?? (v.contactUserId ? 'internal' : 'external');
    if (kind === 'internal') {
      if (!v.contactUserId) ctx.addIssue({ code: 'custom', path: ['contactUserId'], message: 'an internal contact points at a user of the organization' });
      for (const f of EXTERNAL_ONLY) {
        if (v[f] !== undefined) ctx.addIssue({ code: 'custom', path: [f], message: `an internal contact has no ${f}; it shows the user's own` });
      }
      return;
    }
    if (v.contactUserId !== undefined) ctx.addIssue({ code: 'custom', path: ['contactUserId'], message: 'only internal contacts point at a user' });
    if (v.numbers === undefined) ctx.addIssue({ code: 'custom', path: ['numbers'], message: 'give at least one phone number' });
    if (!NAME_FIELDS.some((f) => (v[f] ?? '').length > 0))
      ctx.addIssue({ code: 'custom', path: ['firstName'], message: 'give a first name, last name, company or short name' });
  });
export type ContactCreateBody = z.infer<typeof contactCreate>;

/** A change to a contact; its kind and the user an internal contact points at stay as they are. */
export const contactUpdate = z
  .strictObject({
    company: fields.company,
    department: fields.department,
    firstName: fields.firstName,
    lastName: fields.lastName,
    shortName: fields.shortName,
    address: fields.address,
    email: fields.email,
    speedDial: fields.speedDial,
    type: fields.type,
    numbers: fields.numbers,
  })
  .partial();
export type ContactUpdateBody = z.infer<typeof contactUpdate>;

export const CONTACT_SORTS = ['last_name', 'first_name', 'company', 'short_name', 'type', 'created_at', 'updated_at'] as const;

export const contactListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  sort: z.enum(CONTACT_SORTS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  q: z.string().max(200).optional(),
  type: z.enum(CONTACT_TYPES).optional(),
  kind: z.enum(CONTACT_KINDS).optional(),
});

export const groupOwnerParams = z.object({ orgId: uuid, groupId: uuid });
export const userOwnerParams = z.object({ orgId: uuid, userId: uuid });

/** Contact fields a CSV column can feed; the three number columns become typed numbers. */
export const IMPORT_FIELDS = [
  'firstName',
  'lastName',
  'company',
  'department',
  'shortName',
  'address',
  'email',
  'speedDial',
  'type',
  'workNumber',
  'mobileNumber',
  'homeNumber',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export type ImportMapping = Partial<Record<ImportField, number>>;
export const IMPORT_NUMBER_FIELDS = { workNumber: 'work', mobileNumber: 'mobile', homeNumber: 'home' } as const;

const column = z.number().int().min(0, { message: 'must be a column position (0 is the first column)' }).max(999);

export const importMapping = z.strictObject({
  firstName: column.optional(),
  lastName: column.optional(),
  company: column.optional(),
  department: column.optional(),
  shortName: column.optional(),
  address: column.optional(),
  email: column.optional(),
  speedDial: column.optional(),
  type: column.optional(),
  workNumber: column.optional(),
  mobileNumber: column.optional(),
  homeNumber: column.optional(),
});

export const importCommit = z.strictObject({
  mapping: importMapping,
  /** Leave the first row out (it holds the column names). */
  skipHeader: z.boolean().default(false),
});
export type ImportCommitBody = z.infer<typeof importCommit>;

export const importUploadQuery = z.object({
  /** The file name when the file is sent as a raw text/plain or text/csv body. */
  filename: z.string().trim().min(1).max(255).optional(),
});

/** The three levels a contact list lives at, each with its path prefix and parameters. */
export const CONTACT_LIST_LEVELS = [
  { prefix: '/api/v1/organizations/:orgId', params: orgParams, what: 'the organization' },
  { prefix: '/api/v1/organizations/:orgId/groups/:groupId', params: groupOwnerParams, what: 'a user group' },
  { prefix: '/api/v1/organizations/:orgId/users/:userId', params: userOwnerParams, what: 'a user' },
] as const;
