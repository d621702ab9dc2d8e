/**
 * RFC 3261 syntax checks that need typed header values (§8.2, §16.3, §18.1.2, §20, RFC 4475 §3.1.2,
 * §3.3.8, RFC 5118 §4.2). parseMessage only frames; these check Via, From, To, CSeq, Max-Forwards,
 * Contact and the Request-URI with the non-allocating scanners of ./parsers.ts. What an element
 * does with a well-formed request (501, 416, 420, 415, 406) lives in ./element-checks.ts.
 */
import { parseVia, readCSeq, readContacts, scanNameAddr, scanVia, viaVersion } from './parsers.ts';
import { TOKEN } from './syntax.ts';
import type { HeaderField, ParseFailure, SipMessage, SipRequest, SipResponse } from './types.ts';
import { URI_HEADERS, URI_SIP, hasUnbracketedIPv6Host, scanUri } from './uri.ts';

function firstField(m: SipMessage, key: string): HeaderField | undefined {
  for (const h of m.headers) if (h.key === key) return h;
  return undefined;
}

/** Whether the first via-parm of a Via value is well-formed. */
function topViaOk(value: string): boolean {
  return scanVia(value, 0, value.length, null, true) >= 0;
}

/**
 * Whether a response can be sent at all: it needs a top Via to route by (§18.2.2). To, From and
 * Call-ID are not required here, because a 400 that only echoes Via and CSeq still lets the client
 * match its transaction (insuf.dat: "ideally respond 400"). ACK is never answered (§17.2.3).
 */
export function canReply(m: SipMessage): boolean {
  if (m.kind !== 'request' || m.method === 'ACK') return false;
  const top = firstField(m, 'via');
  return top !== undefined && topViaOk(top.value);
}

export function failure(m: SipMessage | undefined, status: number, reason: string): ParseFailure {
  const action = m !== undefined && canReply(m) ? 'reply' : 'drop';
  return m === undefined ? { action, status, reason } : { action, status, reason, message: m };
}

function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

function isSipVersion(v: string): boolean {
  if (v.length < 7 || (v.charCodeAt(0) | 32) !== 115 || (v.charCodeAt(1) | 32) !== 105 || (v.charCodeAt(2) | 32) !== 112 || v.charCodeAt(3) !== 47)
    return false;
  const dot = v.indexOf('.', 4);
  if (dot <= 4 || dot === v.length - 1) return false;
  for (let i = 4; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (i !== dot && (c < 48 || c > 57)) return false;
  }
  return true;
}

function isTokenString(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255 || TOKEN[c] !== 1) return false;
  }
  return true;
}

function checkRequestUri(uri: string): string | null {
  const n = uri.length;
  if (n === 0) return 'Bad Request: empty Request-URI';
  if (uri.charCodeAt(0) === 60 || uri.charCodeAt(n - 1) === 62) return 'Bad Request: Request-URI enclosed in <>';
  const flags = scanUri(uri, 0, n, null);
  if (flags < 0) {
    // scanUri refuses whitespace anywhere; name it when that is why
    if (isWs(uri.charCodeAt(0)) || isWs(uri.charCodeAt(n - 1))) return 'Bad Request: more than one SP between Request-Line elements';
    if (/[ \t]/.test(uri)) return 'Bad Request: whitespace in the Request-URI';
    if (/^sips?:/i.test(uri) && hasUnbracketedIPv6Host(uri)) return 'Bad Request: IPv6 host in the Request-URI is not enclosed in []';
    return 'Bad Request: malformed Request-URI';
  }
  if (flags === (URI_SIP | URI_HEADERS)) return 'Bad Request: escaped headers in a SIP Request-URI';
  return null;
}

function checkMaxForwards(v: string): string | null {
  if (v.length === 0) return 'Bad Request: malformed Max-Forwards';
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return 'Bad Request: malformed Max-Forwards';
    n = n * 10 + c - 48;
  }
  return n > 255 ? 'Bad Request: Max-Forwards exceeds 255' : null;
}

/** Checks every via-parm of one Via field; returns an error reason or null. */
function checkViaField(value: string, top: boolean): string | null {
  const n = value.length;
  let p = 0;
  for (;;) {
    const start = p;
    p = scanVia(value, p, n, null, true);
    if (p < 0) return 'Bad Request: malformed Via';
    if (!viaVersion.is20) return 'Bad Request: Via protocol version is not 2.0';
    if (top) {
      top = false;
      // Only a branch that is exactly the cookie is refused; most never get past this indexOf.
      const b = value.indexOf('z9hG4bK', start);
      const after = b + 7 < p ? value.charCodeAt(b + 7) : 59;
      if (b >= 0 && b < p && (after === 59 || after === 44 || isWs(after))) {
        const via = parseVia(value.slice(start, p).trim());
        if (via !== null && via.params.get('branch') === 'z9hG4bK') return 'Bad Request: Via branch is only the magic cookie z9hG4bK';
      }
    }
    if (p >= n) return null;
    p++; // the ','
  }
}

/**
 * The syntax and single-instance checks of a request that parsed. null when it is fine; else a 400
 * (505 for another SIP version) to send, or a drop when no response can be routed (no usable Via,
 * or an ACK). Each reason names the defect.
 *
 * Corpus decisions: a CSeq method that differs from the request method is a 400 even when the
 * method is unknown (mismatch02.dat: RFC 4475 §3.1.2.18 prefers 501 but allows 400; the validator
 * does not know which methods the element implements, and a 400 names the actual defect). A top
 * Via whose branch is the bare magic cookie 'z9hG4bK' is a 400 (badbranch.dat, §3.2.1): as a
 * transaction key it would collide with every other such client. A Date in another zone than GMT
 * is ignored (baddate.dat, §3.1.2.12 allows it: nothing here uses Date).
 */
export function validateRequest(req: SipRequest): ParseFailure | null {
  if (req.version !== 'SIP/2.0') {
    if (!isSipVersion(req.version)) return failure(req, 400, 'Bad Request: malformed SIP-Version');
    if (req.version.toUpperCase() !== 'SIP/2.0') return failure(req, 505, 'Version Not Supported');
  }
  if (!isTokenString(req.method)) return failure(req, 400, 'Bad Request: malformed method');
  const uriError = checkRequestUri(req.uri);
  if (uriError !== null) return failure(req, 400, uriError);

  let to: string | undefined;
  let from: string | undefined;
  let cseq: string | undefined;
  let maxForwards: string | undefined;
  let callIds = 0;
  let tos = 0;
  let froms = 0;
  let cseqs = 0;
  let maxForwardses = 0;
  let vias = 0;
  let contactFields = 0;
  let star = false;
  const hs = req.headers;
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i]!;
    switch (h.key) {
      case 'via': {
        const e = checkViaField(h.value, vias === 0);
        if (e !== null) return failure(req, 400, e);
        vias++;
        break;
      }
      case 'call-id':
        callIds++;
        if (h.value === '') return failure(req, 400, 'Bad Request: empty Call-ID');
        break;
      case 'to':
        tos++;
        to = h.value;
        break;
      case 'from':
        froms++;
        from = h.value;
        break;
      case 'cseq':
        cseqs++;
        cseq = h.value;
        break;
      case 'max-forwards':
        maxForwardses++;
        maxForwards = h.value;
        break;
      case 'contact': {
        contactFields++;
        const c = readContacts(h.value, false);
        if (c === null) return failure(req, 400, 'Bad Request: malformed Contact');
        if (c === '*') {
          if (req.method !== 'REGISTER') return failure(req, 400, 'Bad Request: Contact * outside REGISTER');
          star = true;
        }
        break;
      }
    }
  }
  if (vias === 0) return failure(req, 400, 'Bad Request: missing Via');
  if (callIds !== 1) return failure(req, 400, callIds === 0 ? 'Bad Request: missing Call-ID' : 'Bad Request: more than one Call-ID');
  if (froms !== 1) return failure(req, 400, froms === 0 ? 'Bad Request: missing From' : 'Bad Request: more than one From');
  if (tos !== 1) return failure(req, 400, tos === 0 ? 'Bad Request: missing To' : 'Bad Request: more than one To');
  if (cseqs !== 1) return failure(req, 400, cseqs === 0 ? 'Bad Request: missing CSeq' : 'Bad Request: more than one CSeq');
  if (maxForwardses > 1) return failure(req, 400, 'Bad Request: more than one Max-Forwards');
  if (star && contactFields > 1) return failure(req, 400, 'Bad Request: Contact * must be the only Contact');

  const c = readCSeq(cseq!);
  if (c === null) return failure(req, 400, 'Bad Request: malformed CSeq');
  if (c === 'overlarge') return failure(req, 400, 'Bad Request: CSeq number exceeds 2^32-1');
  if (c.method !== req.method) return failure(req, 400, 'Bad Request: CSeq method does not match the request method');
  if (maxForwards !== undefined) {
    const e = checkMaxForwards(maxForwards);
    if (e !== null) return failure(req, 400, e);
  }
  if (scanNameAddr(from!, 0, from!.length, null, false) !== from!.length) return failure(req, 400, 'Bad Request: malformed From');
  if (scanNameAddr(to!, 0, to!.length, null, false) !== to!.length) return failure(req, 400, 'Bad Request: malformed To');
  return null;
}

/**
 * A response that is not SIP/2.0, has a status outside 100..699 (bigcode.dat), lacks Via, From, To,
 * Call-ID or CSeq, or whose CSeq does not parse (scalarlg.dat's overlarge number) is dropped
 * (§16.7 step 1 / §18.1.2: there is nobody to answer). `status` is 400 for the record.
 */
export function validateResponse(res: SipResponse): ParseFailure | null {
  const drop = (reason: string): ParseFailure => ({ action: 'drop', status: 400, reason, message: res });
  if (res.version.toUpperCase() !== 'SIP/2.0') return drop('response is not SIP/2.0');
  if (!(res.status >= 100 && res.status <= 699)) return drop('status code outside 100..699');
  let via: string | undefined;
  let cseq: string | undefined;
  let from = false;
  let to = false;
  let callId = false;
  for (const h of res.headers) {
    if (h.key === 'via') via ??= h.value;
    else if (h.key === 'cseq') cseq ??= h.value;
    else if (h.key === 'from') from = true;
    else if (h.key === 'to') to = true;
    else if (h.key === 'call-id') callId = true;
  }
  if (via === undefined || cseq === undefined || !from || !to || !callId) return drop('missing mandatory header');
  if (!topViaOk(via)) return drop('malformed top Via');
  const c = readCSeq(cseq);
  if (c === null || c === 'overlarge') return drop(c === null ? 'malformed CSeq' : 'CSeq number exceeds 2^32-1');
  return null;
}
