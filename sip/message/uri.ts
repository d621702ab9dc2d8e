/**
 * URIs (RFC 3261 §19.1, §25.1). One scanner serves both parsing and validation: given no output
 * object it only checks, so validateRequest pays for no allocation.
 */
import { isIPv6 } from 'node:net';
import type { SipUri } from './types.ts';
import { HEADERCHAR, HOSTCHAR, PARAMCHAR, PASSWORD, SCHEMECHAR, USER, scanRun } from './syntax.ts';

const COLON = 58;
const SEMI = 59;
const EQUAL = 61;
const QUESTION = 63;
const LBRACKET = 91;

/** scanUri result flags. */
export const URI_SIP = 1;
export const URI_HEADERS = 2;

/**
 * The inside of an IPv6 reference. RFC 5118 §4.10: RFC 3261's ABNF wrongly allows a third colon
 * before an embedded IPv4 address ('2001:db8:::192.0.2.1'); implementations must tolerate it, so
 * it is accepted here and the host is kept as written.
 */
export function isIPv6Literal(inner: string): boolean {
  if (isIPv6(inner)) return true;
  const triple = inner.indexOf(':::');
  return triple >= 0 && inner.indexOf('.', triple) > triple && inner.indexOf(':::', triple + 1) < 0 && isIPv6(inner.replace(':::', '::'));
}

/** Where scanHostPort leaves host and port when asked to build (single-threaded, read right after the call). */
export const hostPort: { host: string; port: number | null } = { host: '', port: null };

/** Reads host [":" port] at s[p, end); returns the index after it, or -1. With `build`, fills `hostPort`. */
export function scanHostPort(s: string, p: number, end: number, build: boolean): number {
  if (p >= end) return -1;
  if (s.charCodeAt(p) === LBRACKET) {
    const close = s.indexOf(']', p);
    if (close < 0 || close >= end || !isIPv6Literal(s.slice(p + 1, close))) return -1;
    if (build) hostPort.host = s.slice(p, close + 1).toLowerCase();
    p = close + 1;
  } else {
    const start = p;
    let upper = false;
    while (p < end) {
      const c = s.charCodeAt(p);
      if (c > 255 || HOSTCHAR[c] !== 1) break;
      if (c <= 90 && c >= 65) upper = true;
      p++;
    }
    if (p === start) return -1;
    const first = s.charCodeAt(start);
    if (first === 45 || first === 46) return -1; // a label never starts with '-' or '.'
    if (build) {
      const h = s.slice(start, p);
      hostPort.host = upper ? h.toLowerCase() : h;
    }
  }
  if (build) hostPort.port = null;
  if (p < end && s.charCodeAt(p) === COLON) {
    const ps = ++p;
    let port = 0;
    while (p < end) {
      const c = s.charCodeAt(p);
      if (c < 48 || c > 57) break;
      port = port * 10 + c - 48;
      p++;
    }
    if (p === ps || p - ps > 5 || port > 65535) return -1;
    if (build) hostPort.port = port;
  }
  return p;
}

function sipScheme(s: string, start: number, colon: number): number {
  const len = colon - start;
  if (len !== 3 && len !== 4) return 0;
  if ((s.charCodeAt(start) | 32) !== 115 || (s.charCodeAt(start + 1) | 32) !== 105 || (s.charCodeAt(start + 2) | 32) !== 112) return 0;
  if (len === 3) return 3;
  return (s.charCodeAt(start + 3) | 32) === 115 ? 4 : 0;
}

/**
 * Checks that s[start, end) is exactly one URI and, given `out`, fills it. Returns -1 when it is
 * not, else URI_SIP for sip/sips (| URI_HEADERS when it has a header part), 0 for other schemes.
 *
 * SIP/SIPS URIs are checked in full. The user part is everything before the '@' because '@' is
 * legal nowhere after it, which is what lets ';' and '?' live in a user part (semiuri.dat,
 * intmeth.dat). Any other scheme only needs a scheme and an opaque part with no whitespace, quote
 * or angle bracket; it is kept whole in `user` (tel:, im:, http:, isbn: ... RFC 4475 §3.3.4).
 */
export function scanUri(s: string, start: number, end: number, out: SipUri | null): number {
  let colon = -1;
  for (let i = start; i < end; i++) {
    if (s.charCodeAt(i) === COLON) {
      colon = i;
      break;
    }
  }
  if (colon <= start) return -1;
  const sip = sipScheme(s, start, colon);
  if (sip === 0) {
    const c0 = s.charCodeAt(start) | 32;
    if (c0 < 97 || c0 > 122) return -1;
    for (let i = start + 1; i < colon; i++) {
      const c = s.charCodeAt(i);
      if (c > 255 || SCHEMECHAR[c] !== 1) return -1;
    }
    if (colon + 1 >= end) return -1;
    for (let i = colon + 1; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c <= 32 || c === 127 || c === 34 || c === 60 || c === 62) return -1;
    }
    if (out !== null) {
      out.scheme = s.slice(start, colon).toLowerCase();
      out.user = s.slice(colon + 1, end);
    }
    return 0;
  }
  const build = out !== null;
  let p = colon + 1;
  let at = -1;
  for (let i = p; i < end; i++) {
    if (s.charCodeAt(i) === 64) {
      at = i;
      break;
    }
  }
  if (at >= 0) {
    const userEnd = scanRun(USER, s, p, at);
    if (userEnd <= p) return -1;
    if (userEnd < at) {
      if (s.charCodeAt(userEnd) !== COLON || scanRun(PASSWORD, s, userEnd + 1, at) !== at) return -1;
      if (build) out.password = s.slice(userEnd + 1, at);
    }
    if (build) out.user = s.slice(p, userEnd);
    p = at + 1;
  }
  p = scanHostPort(s, p, end, build);
  if (p < 0) return -1;
  if (build) {
    out.scheme = sip === 3 ? 'sip' : 'sips';
    out.host = hostPort.host;
    out.port = hostPort.port;
  }
  while (p < end && s.charCodeAt(p) === SEMI) {
    const ns = ++p;
    p = scanRun(PARAMCHAR, s, p, end);
    if (p <= ns) return -1;
    const ne = p;
    let vs = -1;
    if (p < end && s.charCodeAt(p) === EQUAL) {
      vs = ++p;
      p = scanRun(PARAMCHAR, s, p, end);
      if (p < 0) return -1;
    }
    if (build) {
      const name = s.slice(ns, ne).toLowerCase();
      if (!out.params.has(name)) out.params.set(name, vs < 0 ? null : s.slice(vs, p));
    }
  }
  let flags = URI_SIP;
  if (p < end && s.charCodeAt(p) === QUESTION) {
    if (scanRun(HEADERCHAR, s, p + 1, end) !== end) return -1;
    if (build) out.headers = s.slice(p + 1, end);
    flags |= URI_HEADERS;
    p = end;
  }
  return p === end ? flags : -1;
}

export function emptyUri(): SipUri {
  return { scheme: '', user: null, password: null, host: '', port: null, params: new Map(), headers: null };
}

/** Parses a URI; see scanUri for what is checked. */
export function parseUri(s: string): SipUri | null {
  const u = emptyUri();
  return scanUri(s, 0, s.length, u) < 0 ? null : u;
}

/** The URI text; sip/sips URIs are rebuilt from their parts (host and parameter names come out lowercased). */
export function formatUri(u: SipUri): string {
  if (u.scheme !== 'sip' && u.scheme !== 'sips') return `${u.scheme}:${u.user ?? ''}`;
  let out = u.scheme + ':';
  if (u.user !== null) out += (u.password !== null ? `${u.user}:${u.password}` : u.user) + '@';
  out += u.host;
  if (u.port !== null) out += ':' + String(u.port);
  for (const [k, v] of u.params) out += v === null ? ';' + k : `;${k}=${v}`;
  if (u.headers !== null) out += '?' + u.headers;
  return out;
}

/** A sip/sips URI whose host is not bracketed yet holds two or more colons: an IPv6 address someone forgot to bracket (RFC 5118 §4.2). */
export function hasUnbracketedIPv6Host(uri: string): boolean {
  const colon = uri.indexOf(':');
  if (colon < 0) return false;
  const at = uri.indexOf('@', colon);
  const hostStart = at >= 0 ? at + 1 : colon + 1;
  if (uri.charCodeAt(hostStart) === LBRACKET) return false;
  let end = hostStart;
  while (end < uri.length && uri.charCodeAt(end) !== SEMI && uri.charCodeAt(end) !== QUESTION) end++;
  const host = uri.slice(hostStart, end);
  return host.indexOf(':') !== host.lastIndexOf(':');
}
