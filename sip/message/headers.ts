/** Reading and editing a message's header list. `key` arguments are lowercase long names ('via', 'call-id'). */
import { canonicalName, headerKey } from './header-names.ts';
import { splitList } from './parsers.ts';
import type { HeaderField, SipMessage } from './types.ts';

export { canonicalName, headerKey } from './header-names.ts';

/** The value of the first field with this key. */
export function getHeader(m: SipMessage, key: string): string | undefined {
  const hs = m.headers;
  for (let i = 0; i < hs.length; i++) if (hs[i]!.key === key) return hs[i]!.value;
  return undefined;
}

/**
 * Every value of a list-valued header (Via, Contact, Route, Record-Route, Allow, Supported,
 * Require, Accept, ...) across all its fields, in order, split at top-level commas; empty
 * elements are dropped. Not for headers whose values contain commas of their own (Date,
 * WWW-Authenticate and the other auth headers): read those field by field with `headerFields`.
 */
export function getHeaderValues(m: SipMessage, key: string): string[] {
  const out: string[] = [];
  for (const h of m.headers) {
    if (h.key !== key) continue;
    if (h.value.indexOf(',') < 0 && h.value.indexOf('"') < 0) {
      if (h.value !== '') out.push(h.value);
      continue;
    }
    for (const v of splitList(h.value)) if (v !== '') out.push(v);
  }
  return out;
}

/** The fields with this key, unsplit. */
export function headerFields(m: SipMessage, key: string): HeaderField[] {
  return m.headers.filter((h) => h.key === key);
}

/** A new field under the canonical spelling of `name`; a CR or LF in `value` is a programming error and throws. */
export function headerField(name: string, value: string): HeaderField {
  // A CR or LF in a value would end the header early and let the rest be read as new headers.
  if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) throw new TypeError(`header value for ${name} contains CR or LF`);
  const canonical = canonicalName(name);
  return { name: canonical, key: headerKey(canonical), value: value.trim() };
}

/** Replaces every field with this header's key by one field, at the position of the first (appends when there was none). */
export function setHeader(m: SipMessage, name: string, value: string): void {
  const f = headerField(name, value);
  const first = m.headers.findIndex((h) => h.key === f.key);
  if (first < 0) {
    m.headers.push(f);
    return;
  }
  for (let i = m.headers.length - 1; i > first; i--) if (m.headers[i]!.key === f.key) m.headers.splice(i, 1);
  m.headers[first] = f;
}

export function appendHeader(m: SipMessage, name: string, value: string): void {
  m.headers.push(headerField(name, value));
}

/** Inserts before the first field with the same key (so a new Via goes on top of the Vias), else at the top. */
export function prependHeader(m: SipMessage, name: string, value: string): void {
  const f = headerField(name, value);
  const first = m.headers.findIndex((h) => h.key === f.key);
  m.headers.splice(first < 0 ? 0 : first, 0, f);
}

export function removeHeader(m: SipMessage, key: string): void {
  const k = headerKey(key);
  for (let i = m.headers.length - 1; i >= 0; i--) if (m.headers[i]!.key === k) m.headers.splice(i, 1);
}
