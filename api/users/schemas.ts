import { z } from 'zod';
import { emailUsername, language, phoneNumber, uuid } from '../schemas/common.ts';

export const USER_ROLES = ['user', 'full_access', 'group_admin', 'org_admin'] as const;
export const APPLICATIONS = ['web_softphone', 'ipad', 'unified_inbox', 'collaboration'] as const;
export const LICENSES = ['standard', 'professional', 'contact_center', 'receptionist'] as const;

export const lineInput = z.strictObject({
  slot: z.enum(['primary', 'secondary']),
  number: phoneNumber,
  lineType: z.enum(['office_fixed', 'office_mobile']),
  aliasExtension: phoneNumber.nullable().optional(),
});
export type LineBody = z.infer<typeof lineInput>;

const personName = z.string().trim().max(100);
const directoryValue = z.string().trim().max(200);

const userFields = {
  username: emailUsername,
  password: z.string().min(8, { message: 'must be at least 8 characters' }).max(1024).optional(),
  firstName: personName,
  lastName: personName,
  language: language.optional(),
  license: z.enum(LICENSES).optional(),
  callerId: phoneNumber.nullable().optional(),
  forwardNumber: phoneNumber.nullable().optional(),
  photoUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .optional(),
  role: z.enum(USER_ROLES).optional(),
  allowedApps: z.array(z.enum(APPLICATIONS)).max(APPLICATIONS.length).optional(),
  calendarSyncId: z.string().trim().max(200).nullable().optional(),
  externalId: z.string().trim().min(1).max(200).nullable().optional(),
  siteId: uuid.nullable().optional(),
  directoryFields: z.array(directoryValue).length(6, { message: 'must hold six values (use "" for empty)' }).optional(),
  lines: z.array(lineInput).max(2, { message: 'a user has a primary and a secondary line at most' }).optional(),
  groupIds: z.array(uuid).max(200).optional(),
};

export const userCreate = z.strictObject(userFields);
export type UserCreateBody = z.infer<typeof userCreate>;

export const userUpdate = z.strictObject(userFields).partial();
export type UserUpdateBody = z.infer<typeof userUpdate>;

/** "Create a new user based on this one": only the personal fields are given. */
export const userCopy = z.strictObject({
  username: emailUsername,
  firstName: personName,
  lastName: personName,
  password: userFields.password,
  externalId: userFields.externalId,
  callerId: userFields.callerId,
  lines: userFields.lines,
});

export const userListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  sort: z.enum(['username', 'first_name', 'last_name', 'role', 'created_at']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  q: z.string().max(200).optional(),
  groupId: uuid.optional(),
});

export const bulkUsers = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('add_to_groups'), userIds: z.array(uuid).min(1).max(10_000), groupIds: z.array(uuid).min(1).max(100) }),
  z.strictObject({ action: z.literal('remove_from_groups'), userIds: z.array(uuid).min(1).max(10_000), groupIds: z.array(uuid).min(1).max(100) }),
  z.strictObject({ action: z.literal('delete'), userIds: z.array(uuid).min(1).max(10_000) }),
  z.strictObject({ action: z.literal('send_welcome'), userIds: z.array(uuid).min(1).max(10_000), channel: z.enum(['email', 'sms']).default('email') }),
]);
