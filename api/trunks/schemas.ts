import { isIP } from 'node:net';
import { z } from 'zod';
import { listQuery, name } from '../schemas/common.ts';

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A host name or an IP literal (IPv6 with or without brackets, stored without); no scheme, no port. */
export const hostOrIp = z
  .string()
  .trim()
  .toLowerCase()
  .max(255)
  .transform((s, ctx) => {
    const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
    if (isIP(bare) === 6 && !bare.includes('%')) return bare;
    if (isIP(s) === 4) return s;
    // All-digit names ("10.1.2") are neither a valid address nor a sensible host name.
    if (HOSTNAME.test(s) && !/^[0-9.]+$/.test(s)) return s;
    ctx.addIssue({ code: 'custom', message: 'must be a host name or IP address, without scheme or port (such as sip.carrier.example or 192.0.2.10)' });
    return z.NEVER;
  });

/** Whether `s` is an IPv4/IPv6 address or a CIDR block of one. */
export function isAddressOrCidr(s: string): boolean {
  const parts = s.split('/');
  if (parts.length > 2) return false;
  const [address = '', prefix] = parts;
  const version = address.includes('%') ? 0 : isIP(address);
  if (version === 0) return false;
  if (prefix === undefined) return true;
  return /^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

export const inboundAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(64)
  .refine(isAddressOrCidr, { message: 'must be an IPv4 or IPv6 address or a CIDR block such as 192.0.2.0/24' });

// Digest usernames and passwords travel in quoted header parameters: no quotes, backslashes or control characters.
const digestText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^"\\\u0000-\u001f\u007f]+$/, { message: 'must not contain quotes, backslashes or control characters' });

export const TRUNK_TRANSPORTS = ['udp', 'tcp', 'tls'] as const;

export const trunkCreate = z.strictObject({
  name,
  enabled: z.boolean().optional(),
  outboundHost: hostOrIp,
  outboundPort: z.number().int().min(1).max(65535).optional(),
  transport: z.enum(TRUNK_TRANSPORTS).optional(),
  /** Register at the carrier (needs authUsername and authPassword). */
  register: z.boolean().optional(),
  authUsername: digestText(128).nullable().optional(),
  /** Write-only: answered as `hasPassword`. */
  authPassword: digestText(128).nullable().optional(),
  /** Domain of our From header towards the carrier; the organization's SIP domain when null. */
  fromDomain: hostOrIp.nullable().optional(),
  /** Addresses or CIDR blocks the carrier's calls come from. */
  inboundAddresses: z.array(inboundAddress).max(100).optional(),
  /** Lower values are tried first. */
  priority: z.number().int().min(0).max(1000).optional(),
});
export type TrunkCreateBody = z.infer<typeof trunkCreate>;

export const trunkUpdate = trunkCreate.partial();
export type TrunkUpdateBody = z.infer<typeof trunkUpdate>;

export const trunkListQuery = listQuery.pick({ limit: true, offset: true });
