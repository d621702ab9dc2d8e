import { createHash } from 'node:crypto';

export interface SipHa1 {
  md5: string;
  sha256: string;
}

/**
 * The HA1 digests of RFC 8760 (MD5 and SHA-256) of `username:realm:password`, hex. They are all a
 * registrar needs to check a digest response, so the password itself is never stored. The realm
 * is the organization's SIP domain; changing either invalidates the digests.
 */
export function sipHa1(username: string, realm: string, password: string): SipHa1 {
  const a1 = `${username}:${realm}:${password}`;
  return { md5: createHash('md5').update(a1, 'utf8').digest('hex'), sha256: createHash('sha256').update(a1, 'utf8').digest('hex') };
}
