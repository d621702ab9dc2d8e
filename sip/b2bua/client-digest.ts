import { randomBytes } from 'node:crypto';
import { computeHa1, digestResponse } from '../auth/digest.ts';
import { parseAuthHeader } from '../message/parsers.ts';

/**
 * Our answer to a carrier's digest challenge (RFC 3261 §22.2, RFC 8760 algorithms): the
 * Authorization / Proxy-Authorization value, or null when the challenge is not one we can meet.
 */
export function digestAuthorization(challenge: string, c: { username: string; password: string; method: string; uri: string }): string | null {
  const ch = parseAuthHeader(challenge);
  if (!ch || ch.scheme.toLowerCase() !== 'digest') return null;
  const realm = ch.params.get('realm') ?? '';
  const nonce = ch.params.get('nonce');
  if (!nonce) return null;
  const algorithm = (ch.params.get('algorithm') ?? 'MD5').toUpperCase();
  if (algorithm !== 'MD5' && algorithm !== 'SHA-256') return null;
  const qops = (ch.params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
  const useQop = qops.includes('auth');
  if (!useQop && qops.some((q) => q !== '')) return null; // auth-int only: not supported
  const ha1 = computeHa1(algorithm, c.username, realm, c.password);
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const response = digestResponse(algorithm, ha1, nonce, c.method, c.uri, useQop ? { qop: 'auth', nc, cnonce } : null);
  const q = (s: string) => '"' + s.replace(/["\\]/g, (x) => '\\' + x) + '"';
  let v = `Digest username=${q(c.username)}, realm=${q(realm)}, nonce=${q(nonce)}, uri=${q(c.uri)}, response=${q(response)}, algorithm=${algorithm}`;
  const opaque = ch.params.get('opaque');
  if (opaque !== undefined) v += `, opaque=${q(opaque)}`;
  if (useQop) v += `, qop=auth, nc=${nc}, cnonce=${q(cnonce)}`;
  return v;
}
