/**
 * Character classes of the RFC 3261 §25 grammar as lookup tables, and the small scanners the
 * parsers share. Tables instead of regular expressions: the hot path never backtracks.
 */

function table(chars: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(256);
  if (alnum) {
    for (let c = 48; c <= 57; c++) t[c] = 1;
    for (let c = 65; c <= 90; c++) t[c] = 1;
    for (let c = 97; c <= 122; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const MARK = "-_.!~*'()";
/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = table("-.!%*_+`'~", true);
/** user = 1*( unreserved / escaped / user-unreserved ) */
export const USER = table(MARK + '%&=+$,;?/', true);
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
export const PASSWORD = table(MARK + '%&=+$,', true);
/** paramchar = param-unreserved / unreserved / escaped */
export const PARAMCHAR = table(MARK + '%[]/:&+$', true);
/** hname / hvalue chars, plus the '=' and '&' that separate them */
export const HEADERCHAR = table(MARK + '%[]/?:+$=&', true);
/** hostname and IPv4address chars; '_' is not in the grammar but common enough in real hostnames to tolerate */
export const HOSTCHAR = table('-._', true);
/** Chars that end an unquoted parameter value: controls, SP, DEL, ';' ',' '"' '<' '>' */
export const PVALUE_STOP = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c <= 32; c++) t[c] = 1;
  for (const c of [127, 59, 44, 34, 60, 62]) t[c] = 1;
  return t;
})();
/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
export const SCHEMECHAR = table('+-.', true);

export const SP = 32;
export const HT = 9;
export const CR = 13;
export const LF = 10;
const DQUOTE = 34;
const BACKSLASH = 92;
const PERCENT = 37;

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function skipWs(s: string, p: number, end: number = s.length): number {
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c !== SP && c !== HT) break;
    p++;
  }
  return p;
}

/** Index after the last non-whitespace char of s[start, end). */
export function trimEnd(s: string, start: number, end: number): number {
  while (end > start) {
    const c = s.charCodeAt(end - 1);
    if (c !== SP && c !== HT) break;
    end--;
  }
  return end;
}

/**
 * The end of the run of chars of table `t` starting at p (URI tables: a '%' must start a valid
 * %HH escape), or -1 at a malformed escape.
 */
export function scanRun(t: Uint8Array, s: string, p: number, end: number): number {
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c > 255 || t[c] !== 1) return p;
    if (c === PERCENT) {
      if (p + 2 >= end || !isHex(s.charCodeAt(p + 1)) || !isHex(s.charCodeAt(p + 2))) return -1;
      p += 3;
    } else p++;
  }
  return p;
}

// The next backslash at or after `from`, remembered per string so that scanning many quoted
// strings of one long value stays linear instead of searching to the end each time.
let memoString = '';
let memoFrom = 0;
let memoAt = 0;
function nextBackslash(s: string, from: number): number {
  if (s !== memoString || from < memoFrom || (memoAt < from && memoAt !== Infinity)) {
    const at = s.indexOf('\\', from);
    memoString = s;
    memoFrom = from;
    memoAt = at < 0 ? Infinity : at;
  }
  return memoAt;
}

/** Given s[p] === '"', the index just after the closing quote, or -1 when the string never closes before `end`. */
export function scanQuoted(s: string, p: number, end: number = s.length): number {
  const close = s.indexOf('"', p + 1);
  if (close < 0 || close >= end) return -1;
  if (nextBackslash(s, p + 1) > close) return close + 1;
  // quoted-pairs present: walk it, so an escaped quote does not end the string
  let i = p + 1;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === DQUOTE) return i + 1;
    else i++;
  }
  return -1;
}

/** The content of the quoted string s[start, end) (quotes included in the range) with quoted-pairs resolved. */
export function unquoteRange(s: string, start: number, end: number): string {
  const inner = s.slice(start + 1, end - 1);
  if (inner.indexOf('\\') < 0) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch === '\\' && i + 1 < inner.length) {
      out += inner[i + 1]!;
      i++;
    } else out += ch;
  }
  return out;
}
