/**
 * What a UAS-side element (our B2BUA and registrar) answers to a request that passed
 * validateRequest, in the order of RFC 3261 §8.2: method (§8.2.1), Request-URI scheme and To
 * (§8.2.2.1), Require (§8.2.2.3), content (§8.2.3), then Accept for INVITE (§21.4.7).
 */
import { getHeader, getHeaderValues } from './headers.ts';
import { parseNameAddr, parseParams } from './parsers.ts';
import type { ParseFailure, SipRequest } from './types.ts';

export interface ElementCheckOptions {
  knownMethods: ReadonlySet<string>;
  /** Option tags we implement, e.g. replaces, path, outbound, gruu, timer, 100rel, norefersub. */
  supportedExtensions: ReadonlySet<string>;
  /** Media types (lowercase type/subtype) we accept as a session body, e.g. application/sdp. */
  acceptedContentTypes: ReadonlySet<string>;
}

/** Methods whose body is a session description we must understand. MESSAGE, INFO, NOTIFY, ... carry bodies for the application to judge (mpart01.dat). */
const SESSION_BODY_METHODS = new Set(['INVITE', 'ACK', 'PRACK', 'UPDATE', 'BYE']);

function mediaType(v: string): string {
  const semi = v.indexOf(';');
  return (semi < 0 ? v : v.slice(0, semi)).trim().toLowerCase();
}

function hasTag(set: ReadonlySet<string>, tag: string): boolean {
  if (set.has(tag)) return true;
  const lower = tag.toLowerCase();
  for (const t of set) if (t.toLowerCase() === lower) return true;
  return false;
}

/** Whether one Accept range ('application/*', '*\/*;q=0.5', 'application/sdp') admits `type`. */
function rangeAdmits(range: string, type: string): boolean {
  const semi = range.indexOf(';');
  if (semi >= 0) {
    const q = parseParams(range.slice(semi)).get('q');
    if (q !== undefined && q !== null && /^0(\.0*)?$/.test(q.trim())) return false;
  }
  const r = mediaType(range);
  if (r === '*/*' || r === type) return true;
  const slash = type.indexOf('/');
  return r.endsWith('/*') && r.slice(0, -1) === type.slice(0, slash + 1);
}

/**
 * null when the element goes on to handle the request, else the response to send:
 * - 501 for a method not in knownMethods (the caller adds Allow);
 * - 416 for a Request-URI scheme other than sip, sips, tel (unkscm.dat, novelsc.dat);
 * - 400 for a REGISTER whose To is not a SIP or SIPS URI: it must name an address-of-record
 *   (RFC 3261 §10.2, RFC 4475 §3.3.4, unksm2.dat);
 * - 420 with `unsupported` for Require option tags outside supportedExtensions (bext01.dat).
 *   Proxy-Require is ignored: it binds proxies, and we are the endpoint / B2BUA (§8.2.2.3).
 *   Never for ACK or CANCEL, whose Require must not be rejected;
 * - 415 for a non-empty body of a session method (INVITE, ACK, PRACK, UPDATE, BYE) whose
 *   Content-Type is missing or not in acceptedContentTypes, or whose Content-Encoding is not
 *   identity (invut.dat); the caller adds Accept;
 * - 406 for an INVITE whose Accept admits none of acceptedContentTypes (sdp01.dat); an empty
 *   Accept admits nothing (§20.1). The caller may add Warning: 399.
 * An ACK is never answered, so its failures come back as action 'drop'. Max-Forwards 0 is not
 * judged here: it only matters to a request the element would forward (§16.3, zeromf.dat).
 */
/** A refusal of `req`; an ACK's is a drop, since an ACK is never answered. (Module level: no closure per request.) */
function refuse(req: SipRequest, status: number, reason: string, unsupported?: string[]): ParseFailure {
  const action = req.method === 'ACK' ? 'drop' : 'reply';
  return unsupported === undefined ? { action, status, reason, message: req } : { action, status, reason, unsupported, message: req };
}

export function checkRequestAsElement(req: SipRequest, opts: ElementCheckOptions): ParseFailure | null {
  if (!opts.knownMethods.has(req.method)) return refuse(req, 501, 'Not Implemented');

  const colon = req.uri.indexOf(':');
  const scheme = req.uri.slice(0, colon < 0 ? 0 : colon).toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel') return refuse(req, 416, 'Unsupported URI Scheme');

  if (req.method === 'REGISTER') {
    const to = parseNameAddr(getHeader(req, 'to') ?? '');
    if (to !== null && to.uri.scheme !== 'sip' && to.uri.scheme !== 'sips')
      return refuse(req, 400, 'Bad Request: the To of a REGISTER must be a SIP or SIPS URI');
  }

  if (req.method !== 'ACK' && req.method !== 'CANCEL') {
    const unsupported = getHeaderValues(req, 'require').filter((tag) => !hasTag(opts.supportedExtensions, tag));
    if (unsupported.length > 0) return refuse(req, 420, 'Bad Extension', unsupported);
  }

  if (req.body.length > 0 && SESSION_BODY_METHODS.has(req.method)) {
    const ct = getHeader(req, 'content-type');
    if (ct === undefined || !opts.acceptedContentTypes.has(mediaType(ct))) return refuse(req, 415, 'Unsupported Media Type');
    for (const enc of getHeaderValues(req, 'content-encoding')) if (enc.toLowerCase() !== 'identity') return refuse(req, 415, 'Unsupported Media Type');
  }

  if (req.method === 'INVITE' && req.headers.some((h) => h.key === 'accept')) {
    const ranges = getHeaderValues(req, 'accept');
    let ok = false;
    for (const type of opts.acceptedContentTypes) if (ranges.some((r) => rangeAdmits(r, type))) ok = true;
    if (!ok) return refuse(req, 406, 'Not Acceptable');
  }
  return null;
}
