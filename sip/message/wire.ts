/**
 * Conversions at the edges of the wire-string model (see ./types.ts): the stack keeps every
 * message as latin1 text, one char per byte, and only turns it into real text where people see it.
 */

const NON_ASCII = /[^\x00-\x7f]/;

/** A wire string (bytes as latin1) read as UTF-8, e.g. a reason phrase or display name to show. */
export function wireToUtf8(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  return Buffer.from(s, 'latin1').toString('utf8');
}

/** Text (e.g. a display name typed in the portal) turned into the wire string of its UTF-8 bytes. */
export function utf8ToWire(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  return Buffer.from(s, 'utf8').toString('latin1');
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Resolves %HH escapes once (RFC 3261 §19.1.2, RFC 4475 §3.1.1.3: 'value%2541' → 'value%41', never
 * 'valueA'). The result is a wire string: decoded bytes become one char each, so %00 stays a NUL
 * char instead of truncating the value (escnull.dat). Malformed escapes ('%Z4', a trailing '%') are
 * left as written because rejecting them is the validator's job, not the decoder's.
 */
export function percentDecode(s: string): string {
  let i = s.indexOf('%');
  if (i < 0) return s;
  let out = '';
  let from = 0;
  while (i >= 0) {
    if (i + 2 < s.length) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out += s.slice(from, i) + String.fromCharCode(hi * 16 + lo);
        from = i + 3;
        i = s.indexOf('%', from);
        continue;
      }
    }
    i = s.indexOf('%', i + 1);
  }
  return out + s.slice(from);
}

/**
 * A copy of `s` that shares no memory with the message it was cut from. V8 keeps a whole
 * message's text alive behind any substring of it, so strings stored for minutes (bindings,
 * nonces) must be copied.
 */
export function ownString(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}
