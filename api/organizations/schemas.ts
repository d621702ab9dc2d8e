import { z } from 'zod';
import { language, name, phoneNumber, timeZone } from '../schemas/common.ts';

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, { message: 'must be lowercase letters, digits and dashes' });
const sipDomain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { message: 'must be a DNS domain such as acme.pbx.example.net' });

export const directoryFieldNames = z.array(z.string().trim().min(1).max(60)).length(6, { message: 'must name all six directory fields' });

export const organizationCreate = z.strictObject({
  name,
  slug,
  timeZone,
  defaultLanguage: language,
  sipDomain,
  switchboardNumber: phoneNumber.nullable().optional(),
  showGroupNumbers: z.boolean().optional(),
  directoryFieldNames: directoryFieldNames.optional(),
  /** Concurrent outbound trunk calls; 0 = no outbound calls. Only provider admins set it. */
  maxOutboundCalls: z.number().int().min(0).max(10_000).optional(),
});

export const organizationUpdate = organizationCreate.partial();
