import { hash, timingSafeEqual } from 'node:crypto';
import type { AuthHeader } from '../message/types.ts';

export { NonceManager } from './nonce-manager.ts';
export type { NonceCheck, NonceManagerOptions } from './nonce-manager.ts';
export { digestUriAcceptable } from './digest-uri.ts';

/** The `-sess` variants are not offered: SIP phones rarely implement them and they need per-session state. */
export type DigestAlgorithm = 'MD5' | 'SHA-256';

export interface DigestCredentials {
  /** Wire string as sent. */
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  /** Lowercase hex. */
  response: string;
  algorithm: DigestAlgorithm;
  /** As sent (e.g. 'auth'), or null for RFC 2069 clients. */
  qop: string | null;
  /** Only with qop. */
  nc: number | null;
  cnonce: string | null;
  opaque: string | null;
}

const NODE_HASH: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256' };
const HEX_LENGTH: Record<DigestAlgorithm, number> = { MD5: 32, 'SHA-256': 64 };
const NC_FORMAT = /^[0-9a-fA-F]{8}$/;
const HEX_FORMAT = /^[0-9a-fA-F]+$/;

/** H(username:realm:password) in lowercase hex. The inputs are ordinary (UTF-8) strings, which is what phones hash. */
export function computeHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  // crypto.hash encodes strings as UTF-8.
  return hash(NODE_HASH[algorithm], `${username}:${realm}:${password}`, 'hex');
}

const ASCII_ONLY = /^[\u0000-\u007f]*$/;

/**
 * Wire strings are latin1, one char per byte, so their latin1 bytes are exactly what the client hashed.
 * crypto.hash would encode a string as UTF-8, which is the same thing only for ASCII, the usual case.
 */
function hashWire(algorithm: DigestAlgorithm, data: string): string {
  return hash(NODE_HASH[algorithm], ASCII_ONLY.test(data) ? data : Buffer.from(data, 'latin1'), 'hex');
}

/** Room for two SHA-256 hex digests side by side, for the constant-time compare without allocating buffers. */
const compareScratch = Buffer.alloc(128);

function hexEqual(expected: string, actual: string): boolean {
  const n = expected.length;
  if (actual.length !== n || n > 64) return false;
  compareScratch.write(expected, 0, n, 'latin1');
  compareScratch.write(actual, 64, n, 'latin1');
  return timingSafeEqual(compareScratch.subarray(0, n), compareScratch.subarray(64, 64 + n));
}

function parseAlgorithm(token: string | undefined): DigestAlgorithm | null {
  if (token === undefined) return 'MD5';
  const upper = token.toUpperCase();
  if (upper === 'MD5') return 'MD5';
  if (upper === 'SHA-256') return 'SHA-256';
  return null;
}

/** Reads and validates the Digest parameters of an Authorization / Proxy-Authorization value. */
export function parseDigestCredentials(auth: AuthHeader): DigestCredentials | { error: string } {
  if (auth.scheme.toLowerCase() !== 'digest') return { error: `unsupported scheme ${auth.scheme}` };
  const p = auth.params;
  const username = p.get('username');
  if (username === undefined || username === '') {
    // RFC 7616's username* and userhash need charset handling and a hashed-username index we do not keep.
    return { error: p.has('username*') ? 'username* not supported' : 'missing username' };
  }
  if (p.get('userhash')?.toLowerCase() === 'true') return { error: 'userhash not supported' };
  const realm = p.get('realm');
  if (realm === undefined) return { error: 'missing realm' };
  const nonce = p.get('nonce');
  if (nonce === undefined || nonce === '') return { error: 'missing nonce' };
  const uri = p.get('uri');
  if (uri === undefined || uri === '') return { error: 'missing uri' };
  const response = p.get('response');
  if (response === undefined || response === '') return { error: 'missing response' };
  const algorithmToken = p.get('algorithm');
  const algorithm = parseAlgorithm(algorithmToken);
  if (algorithm === null) return { error: `unsupported algorithm ${algorithmToken}` };
  if (response.length !== HEX_LENGTH[algorithm] || !HEX_FORMAT.test(response)) return { error: 'invalid response' };

  const qop = p.get('qop') ?? null;
  let nc: number | null = null;
  let cnonce: string | null = null;
  if (qop !== null) {
    const ncText = p.get('nc');
    if (ncText === undefined) return { error: 'missing nc' };
    if (!NC_FORMAT.test(ncText)) return { error: 'invalid nc' };
    nc = parseInt(ncText, 16);
    if (nc === 0) return { error: 'invalid nc' };
    cnonce = p.get('cnonce') ?? null;
    if (cnonce === null || cnonce === '') return { error: 'missing cnonce' };
  }
  return { username, realm, nonce, uri, response: response.toLowerCase(), algorithm, qop, nc, cnonce, opaque: p.get('opaque') ?? null };
}

/**
 * Checks the response against the stored HA1. Only qop=auth and the RFC 2069 form (no qop) are
 * accepted: qop=auth-int needs a hash of the body, which SIP phones almost never send and we never
 * offer, so it and any unknown qop fail. The nonce itself is not judged here: call NonceManager.check
 * after this succeeds, so stale=true is only ever sent to a client that knows the password.
 */
export function verifyDigest(opts: { auth: AuthHeader; method: string; ha1: string; entityBodyHash?: never }): boolean {
  const creds = parseDigestCredentials(opts.auth);
  if ('error' in creds) return false;
  const { algorithm } = creds;
  if (opts.ha1.length !== HEX_LENGTH[algorithm]) return false;
  if (creds.qop !== null && creds.qop.toLowerCase() !== 'auth') return false;
  // The nc as sent, not re-formatted: the client hashed its own spelling.
  const qop = creds.qop === null ? null : { qop: creds.qop, nc: opts.auth.params.get('nc') ?? '', cnonce: creds.cnonce ?? '' };
  const expected = digestResponse(algorithm, opts.ha1.toLowerCase(), creds.nonce, opts.method, creds.uri, qop);
  return hexEqual(expected, creds.response);
}

/** The digest `response` (RFC 7616 §3.4.1) for qop=auth, or without qop (RFC 2069) when `qop` is null; both sides of the exchange use it. */
export function digestResponse(
  algorithm: DigestAlgorithm,
  ha1: string,
  nonce: string,
  method: string,
  uri: string,
  qop: { qop: string; nc: string; cnonce: string } | null,
): string {
  const ha2 = hashWire(algorithm, `${method}:${uri}`);
  return qop === null ? hashWire(algorithm, `${ha1}:${nonce}:${ha2}`) : hashWire(algorithm, `${ha1}:${nonce}:${qop.nc}:${qop.cnonce}:${qop.qop}:${ha2}`);
}

const UNSAFE_IN_VALUE = /[\u0000-\u001f\u007f]/;

function quoted(name: string, value: string): string {
  if (UNSAFE_IN_VALUE.test(value)) throw new Error(`${name} must not contain control characters`);
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * A WWW-Authenticate / Proxy-Authenticate value (a wire string). Send one header field per
 * algorithm, SHA-256 first, then MD5 (RFC 8760 §2.4): a client takes the first it supports.
 */
export function buildChallenge(opts: { realm: string; nonce: string; algorithm: DigestAlgorithm; stale?: boolean; opaque?: string }): string {
  let value = `Digest realm=${quoted('realm', opts.realm)}, nonce=${quoted('nonce', opts.nonce)}`;
  if (opts.opaque !== undefined) value += `, opaque=${quoted('opaque', opts.opaque)}`;
  value += `, algorithm=${opts.algorithm}, qop="auth"`;
  if (opts.stale === true) value += ', stale=true';
  return value;
}
