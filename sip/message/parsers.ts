/**
 * Typed parsers for header values, called on demand (parseMessage leaves values as text). They
 * return null on a grammar violation instead of guessing, except where a leniency is documented.
 * The scan* functions underneath check without allocating when given no output object; that is
 * what validateRequest uses.
 */
import type { AuthHeader, CSeq, NameAddr, Params, Via } from './types.ts';
import { PVALUE_STOP, TOKEN, scanQuoted, skipWs, trimEnd, unquoteRange } from './syntax.ts';
import { emptyUri, formatUri, hostPort, scanHostPort, scanUri } from './uri.ts';

export { formatUri, parseUri } from './uri.ts';

const HT = 9;
const SP = 32;
const DQUOTE = 34;
const COMMA = 44;
const SLASH = 47;
const COLON = 58;
const SEMI = 59;
const LAQUOT = 60;
const EQUAL = 61;
const QUESTION = 63;
const LBRACKET = 91;

function isTokenChar(c: number): boolean {
  return c < 256 && TOKEN[c] === 1;
}

/**
 * Splits a list-valued header at top-level commas: commas inside quoted strings (with
 * quoted-pairs) and inside <...> do not split. Pieces are trimmed; empty pieces are kept so a
 * validator can see them (getHeaderValues drops them).
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  const n = value.length;
  let start = 0;
  let i = 0;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === DQUOTE) {
      const end = scanQuoted(value, i);
      i = end < 0 ? n : end;
    } else if (c === LAQUOT) {
      const end = value.indexOf('>', i + 1);
      i = end < 0 ? n : end + 1;
    } else if (c === COMMA) {
      out.push(trimmed(value, start, i));
      start = ++i;
    } else i++;
  }
  out.push(trimmed(value, start, n));
  return out;
}

function trimmed(s: string, start: number, end: number): string {
  start = skipWs(s, start, end);
  end = trimEnd(s, start, end);
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * Reads `*( SEMI param )` from s[p, end) into `out` (when given): names lowercased, values as
 * written, a quoted value keeping its quotes so it re-serializes unchanged (see `unquote`). LWS
 * may surround ';' and '='. Empty parameters (';;', a trailing ';') are skipped rather than
 * fatal, as many stacks send them. In a list, a top-level ',' ends the element. Returns where it
 * stopped (end, or the ','), or -1 when something other than a parameter follows.
 */
export function scanParams(s: string, p: number, end: number, out: Params | null, list: boolean): number {
  for (;;) {
    if (p >= end) return end;
    let c = s.charCodeAt(p);
    if (c === SP || c === HT) {
      p = skipWs(s, p, end);
      if (p >= end) return end;
      c = s.charCodeAt(p);
    }
    if (c === COMMA && list) return p;
    if (c !== SEMI) return -1;
    if (++p >= end) return end;
    c = s.charCodeAt(p);
    if (c === SP || c === HT) {
      p = skipWs(s, p, end);
      if (p >= end) return end;
      c = s.charCodeAt(p);
    }
    if (c === SEMI) continue;
    if (c === COMMA && list) return p;
    const ns = p;
    while (p < end && isTokenChar(s.charCodeAt(p))) p++;
    if (p === ns) return -1;
    const ne = p;
    let vs = -1;
    let ve = -1;
    if (p < end && (s.charCodeAt(p) === SP || s.charCodeAt(p) === HT)) p = skipWs(s, p, end);
    if (p < end && s.charCodeAt(p) === EQUAL) {
      p = skipWs(s, p + 1, end);
      vs = p;
      if (p < end && s.charCodeAt(p) === DQUOTE) {
        p = scanQuoted(s, p, end);
        if (p < 0) return -1;
      } else {
        // token / host (also [v6] and a bare v6 address) / anything else short of a separator
        while (p < end) {
          c = s.charCodeAt(p);
          if (c < 256 && PVALUE_STOP[c] === 1) break;
          p++;
        }
      }
      ve = p;
    }
    if (out !== null) {
      const name = s.slice(ns, ne).toLowerCase();
      if (!out.has(name)) out.set(name, vs < 0 ? null : s.slice(vs, ve));
    }
  }
}

/** Parameters such as ';tag=1;lr;q=0.5' (leading ';' optional). Lenient: keeps what it read up to the first thing that is not a parameter. */
export function parseParams(s: string): Params {
  const out: Params = new Map();
  const p = skipWs(s, 0);
  if (p < s.length && s.charCodeAt(p) !== SEMI) scanParams(';' + s.slice(p), 0, s.length - p + 1, out, false);
  else scanParams(s, p, s.length, out, false);
  return out;
}

/** A quoted-string value without its quotes and with quoted-pairs resolved; other values unchanged. */
export function unquote(v: string): string {
  if (v.length >= 2 && v.charCodeAt(0) === DQUOTE && v.charCodeAt(v.length - 1) === DQUOTE) return unquoteRange(v, 0, v.length);
  return v;
}

function formatParams(params: Params): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? ';' + k : `;${k}=${v}`;
  return out;
}

/**
 * name-addr or addr-spec followed by header parameters (RFC 3261 §20.10, §25.1), at s[p, end).
 * Fills `out` when given. In a list a top-level ',' ends it. Returns the index after it or -1.
 *
 * A display name is a quoted string or tokens; a missing space before '<' is accepted (RFC 4475
 * §3.1.1.6, lwsdisp.dat). No whitespace is allowed inside <...> (badaspec.dat). In the addr-spec
 * form the URI ends at the first ';' (those are header parameters) and may not contain ',' or '?'
 * (§20.10, regbadct.dat).
 */
export function scanNameAddr(s: string, p: number, end: number, out: NameAddr | null, list: boolean): number {
  p = skipWs(s, p, end);
  if (p >= end) return -1;
  let c = s.charCodeAt(p);
  let lt: number;
  if (c === DQUOTE) {
    const q = scanQuoted(s, p, end);
    if (q < 0) return -1;
    if (out !== null) out.displayName = unquoteRange(s, p, q);
    lt = skipWs(s, q, end);
    if (lt >= end || s.charCodeAt(lt) !== LAQUOT) return -1;
  } else {
    let i = p;
    while (i < end) {
      c = s.charCodeAt(i);
      if (c !== SP && c !== HT && !isTokenChar(c)) break;
      i++;
    }
    if (i < end && c === LAQUOT) {
      lt = i;
      const dEnd = trimEnd(s, p, lt);
      if (out !== null && dEnd > p) out.displayName = s.slice(p, dEnd);
    } else {
      let ue = p;
      while (ue < end) {
        c = s.charCodeAt(ue);
        if (c === SEMI || c === SP || c === HT || c === COMMA || c === QUESTION) break;
        ue++;
      }
      if (ue < end && c === QUESTION) return -1;
      if (ue === p || scanUri(s, p, ue, out === null ? null : out.uri) < 0) return -1;
      if (out !== null) out.rawUri = s.slice(p, ue);
      nameAddrEnd.uriEnd = ue;
      return scanParams(s, ue, end, out === null ? null : out.params, list);
    }
  }
  // No URI holds a '>', so the first one closes the brackets.
  const gt = s.indexOf('>', lt + 1);
  if (gt < 0 || gt >= end || scanUri(s, lt + 1, gt, out === null ? null : out.uri) < 0) return -1;
  if (out !== null) out.rawUri = s.slice(lt + 1, gt);
  nameAddrEnd.uriEnd = gt + 1;
  return scanParams(s, gt + 1, end, out === null ? null : out.params, list);
}

/** Where the last scanNameAddr found the end of the URI part (after '>' or the addr-spec), i.e. where header parameters start. */
export const nameAddrEnd = { uriEnd: 0 };

function emptyNameAddr(): NameAddr {
  return { displayName: null, uri: emptyUri(), rawUri: '', params: new Map() };
}

/** One name-addr or addr-spec with its parameters (From, To, Contact, Route, Refer-To ...); see scanNameAddr. */
export function parseNameAddr(s: string): NameAddr | null {
  const out = emptyNameAddr();
  return scanNameAddr(s, 0, s.length, out, false) === s.length ? out : null;
}

function needsQuotes(name: string): boolean {
  if (name.length === 0) return true;
  let prevWs = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === SP) {
      if (prevWs) return true;
      prevWs = true;
    } else if (!isTokenChar(c)) return true;
    else prevWs = false;
  }
  return prevWs;
}

function quote(v: string): string {
  let out = '"';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i]!;
    if (ch === '"' || ch === '\\') out += '\\';
    out += ch;
  }
  return out + '"';
}

/** Always the <...> form; the display name is quoted unless it is plain tokens. The URI is rebuilt with formatUri so edits to `uri` count. */
export function formatNameAddr(n: NameAddr): string {
  const dn = n.displayName === null ? '' : (needsQuotes(n.displayName) ? quote(n.displayName) : n.displayName) + ' ';
  return `${dn}<${formatUri(n.uri)}>${formatParams(n.params)}`;
}

/**
 * A Contact value, checked (and built when `build`): '*' alone, or a comma-separated list of
 * name-addr / addr-spec. An empty element (',,' or a trailing ',') makes the whole value invalid.
 */
export function readContacts(value: string, build: boolean): NameAddr[] | '*' | null {
  const n = value.length;
  let p = skipWs(value, 0);
  if (p < n && value.charCodeAt(p) === 42 && skipWs(value, p + 1) === n) return '*';
  const out: NameAddr[] = [];
  for (;;) {
    const na = build ? emptyNameAddr() : null;
    p = scanNameAddr(value, p, n, na, true);
    if (p < 0) return null;
    if (na !== null) out.push(na);
    if (p >= n) return out;
    p++; // the ','
  }
}

/** Contact values: '*' alone, or a list of name-addr / addr-spec. Any empty or malformed element makes the whole value null. */
export function parseContacts(value: string): NameAddr[] | '*' | null {
  return readContacts(value, true);
}

function readToken(s: string, p: number, end: number): number {
  while (p < end && isTokenChar(s.charCodeAt(p))) p++;
  return p;
}

/** What the last scanVia saw of the protocol version (read right after the call). */
export const viaVersion = { is20: false, text: '' };

/**
 * One via-parm at s[p, end), filling `out` when given; in a list a top-level ',' ends it. Returns
 * the index after it or -1. LWS is allowed around '/', ':', ';' and '=' (wsinv.dat); any transport
 * token is accepted (transports.dat); the protocol name must be SIP and any version token is
 * accepted, so that a 505 can still be routed back (the version is left in `viaVersion`).
 * received=[v6] is accepted and stored without brackets (RFC 5118 §4.5).
 */
export function scanVia(s: string, p: number, end: number, out: Via | null, list: boolean): number {
  p = skipWs(s, p, end);
  let e = readToken(s, p, end);
  if (e - p !== 3 || (s.charCodeAt(p) | 32) !== 115 || (s.charCodeAt(p + 1) | 32) !== 105 || (s.charCodeAt(p + 2) | 32) !== 112) return -1;
  p = skipWs(s, e, end);
  if (p >= end || s.charCodeAt(p) !== SLASH) return -1;
  p = skipWs(s, p + 1, end);
  e = readToken(s, p, end);
  if (e === p) return -1;
  viaVersion.is20 = e - p === 3 && s.charCodeAt(p) === 50 && s.charCodeAt(p + 1) === 46 && s.charCodeAt(p + 2) === 48;
  if (out !== null) viaVersion.text = s.slice(p, e);
  p = skipWs(s, e, end);
  if (p >= end || s.charCodeAt(p) !== SLASH) return -1;
  p = skipWs(s, p + 1, end);
  e = readToken(s, p, end);
  if (e === p) return -1;
  if (out !== null) out.transport = s.slice(p, e).toUpperCase();
  p = skipWs(s, e, end);
  if (p === e || p >= end) return -1;
  let q = scanHostPort(s, p, end, out !== null);
  if (q < 0) return -1;
  let port = out !== null ? hostPort.port : null;
  if (out !== null) out.host = hostPort.host;
  // sent-by = host [ COLON port ] where COLON = SWS ":" SWS
  const c = skipWs(s, q, end);
  if (c > q && c < end && s.charCodeAt(c) === COLON) {
    let pe = skipWs(s, c + 1, end);
    const ps = pe;
    let n = 0;
    while (pe < end) {
      const d = s.charCodeAt(pe);
      if (d < 48 || d > 57) break;
      n = n * 10 + d - 48;
      pe++;
    }
    if (pe === ps || pe - ps > 5 || n > 65535) return -1;
    port = n;
    q = pe;
  }
  const params = out !== null ? out.params : null;
  q = scanParams(s, q, end, params, list);
  if (q < 0) return -1;
  if (out !== null && params !== null) {
    out.port = port;
    const received = params.get('received');
    // RFC 5118 §4.5: received=[v6] is tolerated on input and never sent, so the brackets go here.
    if (received && received.charCodeAt(0) === LBRACKET && received.charCodeAt(received.length - 1) === 93) params.set('received', received.slice(1, -1));
    if (params.get('rport') === null) params.set('rport', '');
  }
  return q;
}

function emptyVia(): Via {
  return { transport: '', host: '', port: null, params: new Map() };
}

/** parseVia plus the protocol version token ('2.0'). */
export function parseViaWithVersion(s: string): { via: Via; version: string } | null {
  const via = emptyVia();
  if (scanVia(s, 0, s.length, via, false) !== s.length) return null;
  return { via, version: viaVersion.text };
}

/** One via-parm (split a Via header with splitList first); see scanVia for what is accepted. */
export function parseVia(s: string): Via | null {
  const via = emptyVia();
  return scanVia(s, 0, s.length, via, false) === s.length ? via : null;
}

/** Never sends received with brackets (RFC 5118 §4.5); a valueless rport is written bare. */
export function formatVia(v: Via): string {
  let out = `SIP/2.0/${v.transport} ${v.host}`;
  if (v.port !== null) out += ':' + String(v.port);
  for (const [k, val] of v.params) out += val === null || (val === '' && k === 'rport') ? ';' + k : `;${k}=${val}`;
  return out;
}

const MAX_CSEQ = 4294967295;

/** parseCSeq, telling an overlarge number (RFC 4475 §3.1.2.4) apart from bad syntax. */
export function readCSeq(s: string): CSeq | 'overlarge' | null {
  const n = s.length;
  let p = skipWs(s, 0);
  while (p < n - 1 && s.charCodeAt(p) === 48 && s.charCodeAt(p + 1) >= 48 && s.charCodeAt(p + 1) <= 57) p++;
  const ds = p;
  let seq = 0;
  while (p < n) {
    const d = s.charCodeAt(p);
    if (d < 48 || d > 57) break;
    seq = seq * 10 + d - 48;
    p++;
  }
  if (p === ds) return null;
  const digits = p - ds;
  const e = p;
  p = skipWs(s, p);
  if (p === e) return null;
  const me = readToken(s, p, n);
  if (me === p || skipWs(s, me) !== n) return null;
  if (digits > 10 || seq > MAX_CSEQ) return 'overlarge';
  return { seq, method: s.slice(p, me) };
}

/** `1*DIGIT LWS Method`, leading zeros allowed ('0009 INVITE'), the number at most 2^32-1. */
export function parseCSeq(s: string): CSeq | null {
  const r = readCSeq(s);
  return r === 'overlarge' ? null : r;
}

/**
 * `scheme LWS auth-param *(COMMA auth-param)` for any scheme (regaut01.dat has an unknown one).
 * Parameter names are lowercased and values unquoted. A bare word without '=' (token68 style) is
 * stored as a name with an empty value; a missing comma between parameters is tolerated.
 */
export function parseAuthHeader(s: string): AuthHeader | null {
  const n = s.length;
  let p = skipWs(s, 0);
  const se = readToken(s, p, n);
  if (se === p) return null;
  const scheme = s.slice(p, se);
  const params = new Map<string, string>();
  p = se;
  if (p < n && s.charCodeAt(p) !== SP && s.charCodeAt(p) !== HT) return null;
  for (;;) {
    while (p < n) {
      const c = s.charCodeAt(p);
      if (c !== SP && c !== HT && c !== COMMA) break;
      p++;
    }
    if (p >= n) break;
    const ns = p;
    p = readToken(s, p, n);
    if (p === ns) return null;
    const name = s.slice(ns, p).toLowerCase();
    p = skipWs(s, p);
    let value = '';
    if (p < n && s.charCodeAt(p) === EQUAL) {
      p = skipWs(s, p + 1);
      if (p < n && s.charCodeAt(p) === DQUOTE) {
        const q = scanQuoted(s, p);
        if (q < 0) return null;
        value = unquoteRange(s, p, q);
        p = q;
      } else {
        const vs = p;
        while (p < n) {
          const c = s.charCodeAt(p);
          if (c === SP || c === HT || c === COMMA) break;
          p++;
        }
        value = s.slice(vs, p);
      }
    }
    if (!params.has(name)) params.set(name, value);
  }
  return { scheme, params };
}

const ALWAYS_QUOTED = new Set(['realm', 'nonce', 'opaque', 'uri', 'response', 'cnonce', 'username', 'domain', 'nextnonce', 'rspauth']);
const NEVER_QUOTED = new Set(['algorithm', 'nc', 'stale']);

function isTokenValue(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) if (!isTokenChar(v.charCodeAt(i))) return false;
  return true;
}

/**
 * `Scheme name=value, ...`. Default quoting follows RFC 3261 §25.1 / RFC 2617: realm, nonce,
 * opaque, uri, response, cnonce, username, domain quoted; algorithm, nc, stale bare; qop quoted in
 * a challenge (no 'response' parameter) and bare in credentials. Other parameters are quoted
 * unless they are a token. `quoted` overrides the set of names to quote.
 */
export function formatAuthHeader(a: AuthHeader, quoted?: ReadonlySet<string>): string {
  const isCredentials = a.params.has('response');
  const parts: string[] = [];
  for (const [k, v] of a.params) {
    let q: boolean;
    if (quoted !== undefined) q = quoted.has(k);
    else if (ALWAYS_QUOTED.has(k)) q = true;
    else if (NEVER_QUOTED.has(k)) q = false;
    else if (k === 'qop') q = !isCredentials;
    else q = !isTokenValue(v);
    parts.push(`${k}=${q ? quote(v) : v}`);
  }
  return parts.length === 0 ? a.scheme : `${a.scheme} ${parts.join(', ')}`;
}
