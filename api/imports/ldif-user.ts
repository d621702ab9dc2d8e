// Maps an LDIF entry from an Active Directory export to a Vaxel user (SPEC §4, directory sync).

import { Buffer } from 'node:buffer';
import type { LdifEntry } from './ldif.ts';

/** Portal languages a directory user can be given. */
export type LdifLanguage = 'da' | 'sv' | 'nb' | 'fr' | 'en';

/** A user read from the directory; optional fields are absent when the entry has no value. */
export interface LdifUser {
  dn: string;
  username: string /* lower-cased email: mail, else userPrincipalName */;
  externalId: string /* objectGUID as a GUID string, else employeeID, else the dn */;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  phone?: string;
  mobile?: string;
  language?: LdifLanguage;
  title?: string;
  department?: string;
  company?: string;
  city?: string;
}

/** Result of ldifEntryToUser: the user, or why the entry is not imported (field is the AD attribute). */
export type LdifUserResult = { ok: true; user: LdifUser } | { ok: false; line: number; field: string; message: string };

const USER_CLASSES = new Set(['user', 'person', 'inetorgperson']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const GUID_TEXT = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LANGUAGES: ReadonlyMap<string, LdifLanguage> = new Map([
  ['da', 'da'],
  ['sv', 'sv'],
  ['nb', 'nb'],
  ['no', 'nb'],
  ['fr', 'fr'],
  ['en', 'en'],
]);

/** Maps an AD entry to a user; entries that are not people (computer accounts, contacts) are skipped with field 'objectClass'. */
export function ldifEntryToUser(entry: LdifEntry): LdifUserResult {
  const fail = (field: string, message: string): LdifUserResult => ({ ok: false, line: entry.line, field, message });

  if (entry.changetype !== undefined && entry.changetype !== 'add') {
    return fail('changetype', `changetype "${entry.changetype}" is not an importable user (only add)`);
  }
  const classes = (entry.attributes['objectclass'] ?? []).map((c) => c.trim().toLowerCase());
  if (classes.length === 0) return fail('objectClass', 'entry has no objectClass');
  // Computer accounts and AD mail contacts (objectClass contact, not user) are persons in LDAP terms but not users.
  const contact = classes.includes('contact') && !classes.includes('user');
  if (!classes.some((c) => USER_CLASSES.has(c)) || classes.includes('computer') || contact) {
    return fail('objectClass', `not a user (objectClass: ${classes.join(', ')})`);
  }

  const mail = first(entry, 'mail');
  const upn = first(entry, 'userprincipalname');
  const username = [mail, upn].find((v) => v !== undefined && EMAIL.test(v));
  if (username === undefined) {
    if (mail !== undefined) return fail('mail', `"${mail}" is not an email address`);
    if (upn !== undefined) return fail('userPrincipalName', `"${upn}" is not an email address`);
    return fail('mail', 'entry has neither mail nor userPrincipalName');
  }

  let externalId: string;
  const objectGuid = first(entry, 'objectguid');
  if (objectGuid !== undefined) {
    const guid = guidFromObjectGuid(objectGuid);
    if (guid === undefined) return fail('objectGUID', 'objectGUID is neither 16 bytes of base64 nor a GUID');
    externalId = guid;
  } else {
    externalId = first(entry, 'employeeid') ?? entry.dn;
  }

  const user: LdifUser = { dn: entry.dn, username: username.toLowerCase(), externalId };
  const optional: ReadonlyArray<[keyof LdifUser, string | undefined]> = [
    ['firstName', first(entry, 'givenname')],
    ['lastName', first(entry, 'sn')],
    ['displayName', first(entry, 'displayname') ?? first(entry, 'cn')],
    ['phone', first(entry, 'telephonenumber')],
    ['mobile', first(entry, 'mobile')],
    ['language', mapPreferredLanguage(first(entry, 'preferredlanguage'))],
    ['title', first(entry, 'title')],
    ['department', first(entry, 'department')],
    ['company', first(entry, 'company')],
    ['city', first(entry, 'l')],
  ];
  for (const [field, value] of optional) {
    if (value !== undefined) Object.assign(user, { [field]: value });
  }
  return { ok: true, user };
}

/**
 * Converts an objectGUID to the canonical lower-case GUID string. Accepts the base64 of AD's 16
 * bytes (first three groups little-endian) or an already formatted GUID, with or without braces.
 */
export function guidFromObjectGuid(value: string): string | undefined {
  const text = value.trim();
  const formatted = GUID_TEXT.exec(text);
  if (formatted?.[1]) return formatted[1].toLowerCase();
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 16) return undefined;
  const hex = (indexes: readonly number[]): string => indexes.map((i) => (bytes[i] as number).toString(16).padStart(2, '0')).join('');
  return [hex([3, 2, 1, 0]), hex([5, 4]), hex([7, 6]), hex([8, 9]), hex([10, 11, 12, 13, 14, 15])].join('-');
}

/** Maps preferredLanguage (`da`, `da-DK`, `nb_NO`, `no`, `en-GB;q=0.8, da`) to a portal language; first tag wins. */
export function mapPreferredLanguage(value: string | undefined): LdifLanguage | undefined {
  if (value === undefined) return undefined;
  const tag = (value.split(',')[0] ?? '').split(';')[0] ?? '';
  const primary = (tag.trim().toLowerCase().split(/[-_]/)[0] ?? '').trim();
  return LANGUAGES.get(primary);
}

// The first non-blank value of an attribute, trimmed.
function first(entry: LdifEntry, key: string): string | undefined {
  for (const value of entry.attributes[key] ?? []) {
    const trimmed = value.trim();
    if (trimmed !== '') return trimmed;
  }
  return undefined;
}
