// RFC 2849 LDIF parser for directory sync (SPEC §4: import users from an Active Directory export).
// Written here because the npm `ldif` package rejects raw UTF-8 values. Problems are returned as
// per-entry errors naming the line; an entry with an error is left out and parsing goes on.

import { Buffer } from 'node:buffer';

export type { LdifLanguage, LdifUser, LdifUserResult } from './ldif-user.ts';
export { guidFromObjectGuid, ldifEntryToUser, mapPreferredLanguage } from './ldif-user.ts';

/** One parsed LDIF entry; attribute names are lower-cased without options such as `;binary`. */
export interface LdifEntry {
  line: number /* 1-based line where the entry starts */;
  dn: string;
  attributes: Record<string, string[]>;
  changetype?: string;
}

/** A problem found on a line of the LDIF text. */
export interface LdifError {
  line: number;
  message: string;
}

/** The entries parsed without problems, and the problems found. */
export interface LdifParseResult {
  entries: LdifEntry[];
  errors: LdifError[];
}

/**
 * Attributes whose `::` values are binary: they stay as their base64 text instead of being decoded
 * as UTF-8 (so is any `;binary` attribute and any value whose bytes are not valid UTF-8).
 */
export const BINARY_ATTRIBUTES: ReadonlySet<string> = new Set([
  'objectguid',
  'objectsid',
  'sidhistory',
  'msexchmailboxguid',
  'msexcharchiveguid',
  'ms-ds-consistencyguid',
  'msds-consistencyguid',
  'jpegphoto',
  'thumbnailphoto',
  'usercertificate',
  'usersmimecertificate',
  'cacertificate',
  'ntsecuritydescriptor',
  'logonhours',
]);

// A logical line: physical lines joined after unfolding; `line` is where it began.
interface LogicalLine {
  line: number;
  text: string;
  orphan?: true; // a continuation line with nothing to continue
}

const ATTRIBUTE_DESCRIPTION = /^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)(?:;[A-Za-z0-9-]+)*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Parses LDIF text (LF or CRLF, optional BOM and `version: 1`) into entries and per-line errors. */
export function parseLdif(text: string): LdifParseResult {
  const entries: LdifEntry[] = [];
  const errors: LdifError[] = [];
  const records = splitRecords(text);

  const first = records[0];
  const head = first?.[0];
  if (first && head && !head.orphan && /^version:/i.test(head.text)) {
    const version = head.text.slice('version:'.length).trim();
    if (version !== '1') errors.push({ line: head.line, message: `unsupported LDIF version "${version}" (only 1)` });
    first.shift();
    if (first.length === 0) records.shift();
  }

  for (const record of records) {
    const recordErrors: LdifError[] = [];
    const entry = parseRecord(record, recordErrors);
    if (recordErrors.length > 0 || entry === undefined) errors.push(...recordErrors);
    else entries.push(entry);
  }
  return { entries, errors };
}

// Splits the text into records (runs of logical lines between blank lines), unfolding continuation
// lines and dropping comments with their continuations. A whitespace-only line counts as blank.
function splitRecords(text: string): LogicalLine[][] {
  const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const records: LogicalLine[][] = [];
  let current: LogicalLine[] = [];
  let last: LogicalLine | 'comment' | undefined;
  physical.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') {
      if (current.length > 0) records.push(current);
      current = [];
      last = undefined;
    } else if (raw.startsWith(' ')) {
      if (last === 'comment') return;
      if (last !== undefined) {
        last.text += raw.slice(1);
        return;
      }
      last = { line, text: raw, orphan: true };
      current.push(last);
    } else if (raw.startsWith('#')) {
      last = 'comment';
    } else {
      last = { line, text: raw };
      current.push(last);
    }
  });
  if (current.length > 0) records.push(current);
  return records;
}

// Parses one record; returns the entry, or undefined with the problems added to `errors`.
function parseRecord(lines: readonly LogicalLine[], errors: LdifError[]): LdifEntry | undefined {
  let dn: string | undefined;
  let changetype: string | undefined;
  let sawAttribute = false;
  let misplacedDnReported = false;
  const attributes = new Map<string, string[]>();
  const startLine = lines[0]?.line ?? 0;

  lines.forEach((logical, index) => {
    const { line, text } = logical;
    if (logical.orphan) {
      errors.push({ line, message: 'continuation line (starting with a space) has no line to continue' });
      return;
    }
    if (text === '-' && changetype === 'modify') return; // separates modify operations
    const parsed = parseAttributeLine(text);
    if (!parsed.ok) {
      errors.push({ line, message: parsed.message });
      return;
    }
    const { name, key } = parsed;
    if (key === 'dn') {
      if (index > 0) {
        if (dn !== undefined) errors.push({ line, message: 'entry has more than one "dn:" line' });
        else if (!misplacedDnReported) errors.push({ line, message: '"dn:" must be the first line of an entry' });
        return;
      }
      if (parsed.kind === 'url') {
        errors.push({ line, message: 'dn: URL values (":<") are not supported' });
        return;
      }
      const value = decodeValue(parsed, 'dn');
      if (value === undefined) errors.push({ line, message: 'dn: base64 value is not valid UTF-8' });
      else dn = value;
      return;
    }
    if (index === 0) {
      const dnLine = lines.find((l) => /^dn:/i.test(l.text) && !l.orphan);
      const where = dnLine ? `; its "dn:" is on line ${dnLine.line}` : '';
      errors.push({ line, message: `entry must start with "dn:" (found "${name}:"${where})` });
      misplacedDnReported = true;
      return;
    }
    if (parsed.kind === 'url') {
      errors.push({ line, message: `attribute "${name}": URL values (":<") are not supported` });
      return;
    }
    const value = decodeValue(parsed, key);
    if (key === 'changetype' && !sawAttribute && changetype === undefined) {
      changetype = (value ?? '').trim().toLowerCase();
      return;
    }
    if (key !== 'control') sawAttribute = true;
    const values = attributes.get(key);
    if (values) values.push(value ?? parsed.raw);
    else attributes.set(key, [value ?? parsed.raw]);
  });

  if (dn === undefined) {
    // The first line was unusable and already reported; make sure the entry is not silently dropped.
    if (errors.length === 0) errors.push({ line: startLine, message: 'entry has no "dn:" line' });
    return undefined;
  }
  const entry: LdifEntry = { line: startLine, dn, attributes: Object.fromEntries(attributes) };
  if (changetype !== undefined) entry.changetype = changetype;
  return entry;
}

type AttributeLine = { ok: true; name: string; key: string; binary: boolean; kind: 'text' | 'base64' | 'url'; raw: string } | { ok: false; message: string };

// Splits `name[;options]: value`, `name:: base64` or `name:< url`; values keep everything after
// the single separator space.
function parseAttributeLine(text: string): AttributeLine {
  const colon = text.indexOf(':');
  if (colon < 0) return { ok: false, message: `line has no ":" between attribute and value: "${excerpt(text)}"` };
  const name = text.slice(0, colon);
  if (!ATTRIBUTE_DESCRIPTION.test(name)) return { ok: false, message: `invalid attribute name "${excerpt(name)}"` };
  const [type = '', ...options] = name.split(';');
  const key = type.toLowerCase();
  const binary = options.some((o) => o.toLowerCase() === 'binary');
  const rest = text.slice(colon + 1);
  if (rest.startsWith(':')) {
    const raw = rest.slice(1).trim();
    if (!BASE64.test(raw)) return { ok: false, message: `attribute "${name}": invalid base64 value` };
    return { ok: true, name, key, binary, kind: 'base64', raw };
  }
  if (rest.startsWith('<')) return { ok: true, name, key, binary, kind: 'url', raw: rest.slice(1).trim() };
  return { ok: true, name, key, binary, kind: 'text', raw: rest.startsWith(' ') ? rest.slice(1) : rest };
}

// The value as text: plain values as written; base64 decoded as UTF-8 unless binary. Binary values
// stay base64 (undefined for the dn, which must be text).
function decodeValue(parsed: Extract<AttributeLine, { ok: true }>, key: string): string | undefined {
  if (parsed.kind !== 'base64') return parsed.raw;
  if (key !== 'dn' && (parsed.binary || BINARY_ATTRIBUTES.has(key))) return parsed.raw;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.from(parsed.raw, 'base64'));
  } catch {
    return key === 'dn' ? undefined : parsed.raw;
  }
}

function excerpt(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
