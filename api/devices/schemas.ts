import { z } from 'zod';
import { listQuery, phoneNumber, uuid } from '../schemas/common.ts';
import { canonicalModel, DESK_PHONE_MODELS, normalizeMac } from './hardware.ts';

export const DEVICE_KINDS = ['softphone', 'mobile', 'desk_phone', 'sip_account'] as const;

/** A MAC in any usual spelling, normalised to 12 lower-case hex digits. */
export const macAddress = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const mac = normalizeMac(s);
    if (mac === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a MAC address such as 00:04:13:aa:bb:cc' });
      return z.NEVER;
    }
    return mac;
  });

/** A supported desk-phone model, in any capitalisation, normalised to its catalogue name. */
export const deskPhoneModel = z
  .string()
  .max(60)
  .transform((s, ctx) => {
    const model = canonicalModel(s);
    if (model === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a supported model: ${DESK_PHONE_MODELS.join(', ')}` });
      return z.NEVER;
    }
    return model;
  });

/** SIP username of a device (the user part of its address): unique in the organization, lower-cased. */
export const sipUsername = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9._-]+$/, { message: 'must be letters, digits, dots, dashes and underscores' });

/** A SIP password an administrator sets: long enough to resist guessing over the internet. Write-only: stored as digests. */
export const sipPassword = z
  .string()
  .min(12, { message: 'must be at least 12 characters' })
  .max(128)
  .regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' })
  .regex(/[A-Za-z]/, { message: 'must contain letters and digits' })
  .regex(/[0-9]/, { message: 'must contain letters and digits' });

// Control characters (NUL above all, which PostgreSQL cannot store) have no place in a label.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const label = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !CONTROL_CHARS.test(s), { message: 'must not contain control characters' });

const description = label(200);
const firmware = label(60);
const mobileProfile = label(60).pipe(z.string().min(1));
const shownAs = z.enum(['analog', 'desk_phone']);

export const softphoneCreate = z.strictObject({
  kind: z.literal('softphone'),
  userId: uuid,
  enabled: z.boolean().optional(),
  /** With SIP credentials the softphone registers as its own account; a password is generated (and returned once) when omitted. */
  sipUsername: sipUsername.optional(),
  sipPassword: sipPassword.optional(),
});

export const mobileCreate = z.strictObject({
  kind: z.literal('mobile'),
  userId: uuid,
  number: phoneNumber,
  mobileClientLicense: z.boolean().optional(),
  mobileProfile: mobileProfile.optional(),
  mobileVoipAllowed: z.boolean().optional(),
});

export const deskPhoneCreate = z.strictObject({
  kind: z.literal('desk_phone'),
  mac: macAddress,
  model: deskPhoneModel,
  firmware: firmware.nullable().optional(),
  description: description.optional(),
  /** The user on line key 1; null or absent leaves the phone unassigned. */
  userId: uuid.nullable().optional(),
  hotDesk: z.boolean().optional(),
  sipUsername: sipUsername.optional(),
  sipPassword: sipPassword.optional(),
});

export const sipAccountCreate = z.strictObject({
  kind: z.literal('sip_account'),
  userId: uuid,
  sipUsername,
  /** Write-only; generated (and returned once) when omitted. */
  sipPassword: sipPassword.optional(),
  shownAs,
});

export const deviceCreate = z.discriminatedUnion('kind', [softphoneCreate, mobileCreate, deskPhoneCreate, sipAccountCreate]);
export type DeviceCreateBody = z.infer<typeof deviceCreate>;

/** A partial change; the service refuses fields that do not belong to the device's kind. */
export const deviceUpdate = z.strictObject({
  kind: z.enum(DEVICE_KINDS).optional(),
  userId: uuid.nullable().optional(),
  enabled: z.boolean().optional(),
  number: phoneNumber.optional(),
  mobileClientLicense: z.boolean().optional(),
  mobileProfile: mobileProfile.optional(),
  mobileVoipAllowed: z.boolean().optional(),
  mac: macAddress.optional(),
  model: deskPhoneModel.optional(),
  firmware: firmware.nullable().optional(),
  description: description.optional(),
  hotDesk: z.boolean().optional(),
  /** null removes a desk phone's or softphone's SIP credentials; a new username needs a new password. */
  sipUsername: sipUsername.nullable().optional(),
  sipPassword: sipPassword.optional(),
  shownAs: shownAs.optional(),
});
export type DeviceUpdateBody = z.infer<typeof deviceUpdate>;

/** The fields each kind has, besides `kind` itself. */
export const FIELDS_OF_KIND: Readonly<Record<(typeof DEVICE_KINDS)[number], readonly (keyof DeviceUpdateBody)[]>> = {
  softphone: ['userId', 'enabled', 'sipUsername', 'sipPassword'],
  mobile: ['userId', 'number', 'mobileClientLicense', 'mobileProfile', 'mobileVoipAllowed'],
  desk_phone: ['userId', 'mac', 'model', 'firmware', 'description', 'hotDesk', 'sipUsername', 'sipPassword'],
  sip_account: ['userId', 'sipUsername', 'sipPassword', 'shownAs'],
};

export const deviceListQuery = listQuery.extend({
  sort: z.enum(['kind', 'mac', 'model', 'description', 'created_at', 'updated_at']).optional(),
  kind: z.enum(DEVICE_KINDS).optional(),
  userId: uuid.optional(),
});

export const userDevicesParams = z.object({ orgId: uuid, userId: uuid });

export const invitationsBody = z.strictObject({
  deviceIds: z.array(uuid).min(1).max(1000),
});

export const importQuery = z.object({
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});
