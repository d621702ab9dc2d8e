/**
 * Framing and start-line/header splitting of one SIP message (RFC 3261 §7, §18.3). Header values
 * stay text here; ./parsers.ts types them on demand and ./validate.ts checks them.
 */
import { headerKeyAt, knownKey } from './header-names.ts';
import { CR, HT, LF, SP, TOKEN, isDigit } from './syntax.ts';
import type { HeaderField, ParseFailure, SipMessage, SipRequest, SipResponse } from './types.ts';
import { failure } from './validate.ts';

export { validateRequest, validateResponse } from './validate.ts';

const EMPTY = Buffer.alloc(0);

// Buffer#latin1Slice / #latin1Write are what toString('latin1') / write(.., 'latin1') call after
// their argument checks; on a per-datagram path the direct call is worth it. Not in @types/node.
interface Latin1Buffer {
  latin1Slice(start: number, end: number): string;
}

function isSipVersionPrefix(s: string, p: number): boolean {
  return (
    (s.charCodeAt(p) | 32) === 115 && (s.charCodeAt(p + 1) | 32) === 105 && (s.charCodeAt(p + 2) | 32) === 112 && s.charCodeAt(p + 3) === 47 // 'SIP/'
  );
}

function isTokenRange(s: string, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c > 255 || TOKEN[c] !== 1) return false;
  }
  return true;
}

/**
 * One UDP datagram, or one message a stream transport has already framed (`stream: true`).
 *
 * - Leading CRLFs are skipped (§7.5). Lines may end in CRLF or, leniently, a bare LF.
 * - Folded lines are joined with one SP; values are trimmed.
 * - The header section may end at the end of the datagram without the empty line (the RFC 5118
 *   archive and baddn.dat lack it).
 * - Content-Length frames the body; octets after it are ignored (§18.3, dblreq.dat). Without one a
 *   datagram's body is the rest of it and a stream message has none. More bytes announced than
 *   present, conflicting values, or a value that is not 1*DIGIT give a 400. One leniency: when the
 *   header section ended with a bare LF (a text-mode copy, such as the RFC 5118 archive, never a
 *   conformant sender) a datagram's Content-Length may overstate the body, which is then the rest
 *   of the datagram.
 * - A request line with trailing whitespace is a 400 (trws.dat); the Request-URI is everything
 *   between the first and the last SP, so extra SPs or LWS in it reach validateRequest (lwsstart,
 *   lwsruri).
 *
 * On failure `message` holds what was read whenever the start line was readable; the action is
 * 'reply' only for a request with a routable top Via, never for a response.
 */
export function parseMessage(buf: Buffer, opts?: { stream?: boolean }): SipMessage | ParseFailure {
  const len = buf.length;
  const s = (buf as unknown as Latin1Buffer).latin1Slice(0, len);
  let pos = 0;
  while (pos < len) {
    const c = s.charCodeAt(pos);
    if (c !== CR && c !== LF) break;
    pos++;
  }
  if (pos >= len) return { action: 'drop', status: 400, reason: 'empty message' };

  let nl = s.indexOf('\n', pos);
  let end = nl < 0 ? len : nl;
  let ce = end > pos && s.charCodeAt(end - 1) === CR ? end - 1 : end;

  let msg: SipMessage;
  let error: string | null = null;
  if (isSipVersionPrefix(s, pos)) {
    const sp1 = s.indexOf(' ', pos);
    if (sp1 < 0 || sp1 >= ce) return { action: 'drop', status: 400, reason: 'malformed Status-Line' };
    let p = sp1 + 1;
    while (p < ce && isDigit(s.charCodeAt(p))) p++;
    if (p === sp1 + 1 || (p < ce && s.charCodeAt(p) !== SP)) return { action: 'drop', status: 400, reason: 'malformed Status-Line' };
    const status = Number(s.slice(sp1 + 1, p));
    const reason = p < ce ? s.slice(p + 1, ce) : '';
    const res: SipResponse = { kind: 'response', status, reason, version: s.slice(pos, sp1), headers: [], body: EMPTY };
    msg = res;
  } else {
    const sp1 = s.indexOf(' ', pos);
    let te = ce;
    while (te > pos && (s.charCodeAt(te - 1) === SP || s.charCodeAt(te - 1) === HT)) te--;
    const lastSp = sp1 < 0 ? -1 : s.lastIndexOf(' ', te - 1);
    if (sp1 <= pos || sp1 >= te || lastSp <= sp1 || !isTokenRange(s, pos, sp1)) {
      return { action: 'drop', status: 400, reason: 'malformed Request-Line' };
    }
    const req: SipRequest = {
      kind: 'request',
      method: s.slice(pos, sp1),
      uri: s.slice(sp1 + 1, lastSp),
      version: s.slice(lastSp + 1, te),
      headers: [],
      body: EMPTY,
    };
    if (te !== ce) error = 'Bad Request: whitespace at the end of the Request-Line';
    msg = req;
  }

  const headers: HeaderField[] = msg.headers;
  let contentLength = -1;
  let bodyStart = -1;
  let bareLf = false;
  // The next ':' at or after pos; remembered so that many colon-less lines stay linear, not quadratic.
  let colon = -1;
  pos = end + 1;
  while (pos < len) {
    nl = s.indexOf('\n', pos);
    end = nl < 0 ? len : nl;
    ce = end > pos && s.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (ce === pos) {
      bodyStart = end + 1;
      bareLf = ce === end;
      break;
    }
    const first = s.charCodeAt(pos);
    if (first === SP || first === HT) {
      error ??= 'Bad Request: folded line without a header';
      pos = end + 1;
      continue;
    }
    if (colon < pos && colon !== -2) {
      colon = s.indexOf(':', pos);
      if (colon < 0) colon = -2;
    }
    if (colon < 0 || colon >= ce) {
      error ??= 'Bad Request: header line without a colon';
      pos = end + 1;
      continue;
    }
    let ne = colon;
    while (ne > pos && (s.charCodeAt(ne - 1) === SP || s.charCodeAt(ne - 1) === HT)) ne--;
    const name = s.slice(pos, ne);
    let key = knownKey(name);
    if (key === undefined) {
      if (!isTokenRange(s, pos, ne)) error ??= 'Bad Request: malformed header name';
      key = headerKeyAt(s, pos, ne);
    }
    let vs = colon + 1;
    while (vs < ce && (s.charCodeAt(vs) === SP || s.charCodeAt(vs) === HT)) vs++;
    let ve = ce;
    while (ve > vs && (s.charCodeAt(ve - 1) === SP || s.charCodeAt(ve - 1) === HT)) ve--;
    let value = s.slice(vs, ve);
    pos = end + 1;
    // Folding: a following line that starts with SP/HT continues this value.
    while (pos < len) {
      const c = s.charCodeAt(pos);
      if (c !== SP && c !== HT) break;
      nl = s.indexOf('\n', pos);
      end = nl < 0 ? len : nl;
      ce = end > pos && s.charCodeAt(end - 1) === CR ? end - 1 : end;
      let a = pos;
      while (a < ce && (s.charCodeAt(a) === SP || s.charCodeAt(a) === HT)) a++;
      let b = ce;
      while (b > a && (s.charCodeAt(b - 1) === SP || s.charCodeAt(b - 1) === HT)) b--;
      if (b > a) value = value === '' ? s.slice(a, b) : value + ' ' + s.slice(a, b);
      pos = end + 1;
    }
    headers.push({ name, key, value });
    if (key === 'content-length') {
      let n = -1;
      if (value.length > 0 && value.length <= 10) {
        n = 0;
        for (let i = 0; i < value.length; i++) {
          const d = value.charCodeAt(i) - 48;
          if (d < 0 || d > 9) {
            n = -1;
            break;
          }
          n = n * 10 + d;
        }
      }
      if (n < 0) error ??= 'Bad Request: malformed Content-Length';
      else if (contentLength >= 0 && n !== contentLength) error ??= 'Bad Request: conflicting Content-Length values';
      else contentLength = n;
    }
  }

  if (bodyStart < 0 || bodyStart > len) bodyStart = len;
  let bodyEnd: number;
  if (contentLength < 0) bodyEnd = opts?.stream === true ? bodyStart : len;
  else if (bodyStart + contentLength <= len) bodyEnd = bodyStart + contentLength;
  else {
    bodyEnd = len;
    if (!bareLf || opts?.stream === true) error ??= 'Bad Request: Content-Length larger than the message';
  }
  // A copy, so a kept message does not pin a transport's receive buffer.
  if (bodyEnd > bodyStart) msg.body = Buffer.from(buf.subarray(bodyStart, bodyEnd));

  if (error !== null) return failure(msg, 400, error);
  return msg;
}

/** Narrows parseMessage's result. */
export function isParseFailure(r: SipMessage | ParseFailure): r is ParseFailure {
  return (r as ParseFailure).action !== undefined;
}
