// Directory sync (SPEC §4): users from an Active Directory LDIF export. Per entry: entries that are
// not importable are skipped and reported, the others are applied together in one transaction.

import type { UserWithRelations } from '../../store/repos/users-repo.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import { AppError } from '../errors.ts';
import { ldifEntryToUser, parseLdif, type LdifEntry, type LdifUser } from '../imports/ldif.ts';
import { scopeHasGroup, scopeHasUser, type Access } from '../policies.ts';
import { userCreate, type UserCreateBody, type UserUpdateBody } from './schemas.ts';
import { createUser, updateUser, type UserServiceDeps } from './service.ts';

/** An entry that was not imported: the line it starts on, `entries.<line>[.<attribute>]`, and why. */
export interface SkippedEntry {
  line: number;
  field: string;
  message: string;
}

export interface LdifImportResult {
  created: number;
  updated: number;
  unchanged: number;
  skipped: SkippedEntry[];
}

export interface LdifImportOptions {
  /** A group every created user is put in (required for group admins, who may only create in their groups). */
  groupId?: string | undefined;
}

const ACCOUNT_DISABLED = 0x2;
const ADMIN_ROLES: readonly string[] = ['group_admin', 'org_admin'];

type Plan =
  | { kind: 'create'; entry: LdifEntry; body: UserCreateBody; attribute: Attributes }
  | { kind: 'update'; entry: LdifEntry; userId: string; patch: UserUpdateBody; attribute: Attributes }
  | { kind: 'unchanged'; entry: LdifEntry };

// The AD attribute each user field came from, to name it in a problem.
interface Attributes {
  username: string;
  externalId: string;
  firstName: string;
  lastName: string;
}

/**
 * Imports the users of an LDIF text: matched to existing users by external id (objectGUID) first,
 * then by username; created or updated (username, names, language, external id). Run it inside
 * a transaction: a failure while writing undoes every entry.
 */
export async function importUsersFromLdif(
  repos: Repos,
  access: Access,
  text: string,
  options: LdifImportOptions,
  deps: UserServiceDeps,
): Promise<LdifImportResult> {
  const { orgId, scope } = access;
  if (options.groupId !== undefined) {
    const group = await repos.groups.get(orgId, options.groupId);
    if (!group || !scopeHasGroup(scope, group.id)) throw new AppError('validation_failed', `Group ${options.groupId} does not exist`, 'groupId');
  }
  const parsed = parseLdif(text);
  const skipped = parseProblems(text, parsed.errors);
  const users = await allUsers(repos, orgId);
  const byExternalId = new Map(users.flatMap((u) => (u.external_id ? [[u.external_id, u] as const] : [])));
  const byUsername = new Map(users.map((u) => [u.username, u]));
  const seen = new Map<string, number>();
  const plans: Plan[] = [];

  for (const entry of parsed.entries) {
    const skip = (attribute: string | undefined, message: string) => {
      skipped.push({ line: entry.line, field: attribute ? `entries.${entry.line}.${attribute}` : `entries.${entry.line}`, message });
    };
    const mapped = ldifEntryToUser(entry);
    if (!mapped.ok) {
      skip(mapped.field, mapped.message);
      continue;
    }
    const accountControl = Number(entry.attributes['useraccountcontrol']?.[0]);
    if (Number.isInteger(accountControl) && (accountControl & ACCOUNT_DISABLED) !== 0) {
      skip('userAccountControl', 'the account is disabled');
      continue;
    }
    const ad = mapped.user;
    const attribute = attributesOf(entry, ad);
    const fields = readFields(ad, attribute);
    if (!fields.ok) {
      skip(fields.attribute, fields.message);
      continue;
    }
    const { username, externalId, firstName, lastName, language } = fields;
    const duplicate = [`x:${externalId}`, `u:${username}`].map((k) => seen.get(k)).find((l) => l !== undefined);
    if (duplicate !== undefined) {
      skip(attribute.externalId, `the same user as the entry on line ${duplicate}`);
      continue;
    }

    const byGuid = byExternalId.get(externalId);
    const user = byGuid ?? byUsername.get(username);
    if (user && !byGuid && user.external_id !== null) {
      skip(attribute.externalId, `user ${username} is linked to another directory object (${user.external_id})`);
      continue;
    }
    if (user && !scopeHasUser(scope, user.groupIds)) {
      skip(attribute.username, 'a user with this username exists outside the groups you administer');
      continue;
    }
    if (user && seen.has(`id:${user.id}`)) {
      skip(attribute.externalId, `the same user as the entry on line ${seen.get(`id:${user.id}`)}`);
      continue;
    }
    if (username !== user?.username) {
      const holder = byUsername.get(username) ?? (await repos.auth.findLoginUser(username));
      if (holder && holder.id !== user?.id) {
        skip(attribute.username, 'a user with this username already exists');
        continue;
      }
    }

    if (!user) {
      if (scope.kind === 'groups' && options.groupId === undefined) {
        skip(undefined, 'group administrators create users only into a group they administer: pass ?groupId=');
        continue;
      }
      const body: UserCreateBody = {
        username,
        firstName: firstName ?? '',
        lastName: lastName ?? '',
        externalId,
        ...(language && { language }),
        ...(options.groupId && { groupIds: [options.groupId] }),
      };
      plans.push({ kind: 'create', entry, body, attribute });
    } else {
      const patch: UserUpdateBody = {};
      if (username !== user.username) patch.username = username;
      if (firstName !== undefined && firstName !== user.first_name) patch.firstName = firstName;
      if (lastName !== undefined && lastName !== user.last_name) patch.lastName = lastName;
      if (language !== undefined && language !== user.language) patch.language = language;
      if (externalId !== user.external_id) patch.externalId = externalId;
      if (Object.keys(patch).length === 0) plans.push({ kind: 'unchanged', entry });
      else if (scope.kind === 'groups' && ADMIN_ROLES.includes(user.role)) {
        skip(undefined, 'only organization administrators can change administrators');
        continue;
      } else plans.push({ kind: 'update', entry, userId: user.id, patch, attribute });
      seen.set(`id:${user.id}`, entry.line);
    }
    seen.set(`x:${externalId}`, entry.line);
    seen.set(`u:${username}`, entry.line);
  }

  const result: LdifImportResult = { created: 0, updated: 0, unchanged: 0, skipped: skipped.sort((a, b) => a.line - b.line) };
  for (const plan of plans) {
    if (plan.kind === 'unchanged') {
      result.unchanged += 1;
      continue;
    }
    try {
      if (plan.kind === 'create') await createUser(repos, access, plan.body, deps);
      else await updateUser(repos, access, plan.userId, plan.patch, deps);
      result[plan.kind === 'create' ? 'created' : 'updated'] += 1;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Checked above; if the service still refuses, nothing of the file is written.
      const attribute = plan.attribute[(err.field ?? '') as keyof Attributes] as string | undefined;
      const field = attribute ? `entries.${plan.entry.line}.${attribute}` : `entries.${plan.entry.line}`;
      throw new AppError('validation_failed', `Entry at line ${plan.entry.line}: ${err.message}`, field);
    }
  }
  await audit(repos, access.principal, orgId, 'user.import_ldif', { type: 'user', id: null }, null, {
    created: result.created,
    updated: result.updated,
    unchanged: result.unchanged,
    skipped: result.skipped.length,
  });
  return result;
}

function attributesOf(entry: LdifEntry, ad: LdifUser): Attributes {
  const fromMail = (entry.attributes['mail'] ?? []).some((v) => v.trim().toLowerCase() === ad.username);
  const a = entry.attributes;
  return {
    username: fromMail ? 'mail' : 'userPrincipalName',
    externalId: a['objectguid'] ? 'objectGUID' : a['employeeid'] ? 'employeeID' : 'dn',
    firstName: ad.firstName !== undefined ? 'givenName' : 'displayName',
    lastName: ad.lastName !== undefined ? 'sn' : 'displayName',
  };
}

type Fields =
  | { ok: true; username: string; externalId: string; firstName?: string; lastName?: string; language?: UserCreateBody['language'] }
  | { ok: false; attribute: string; message: string };

// The user fields of a directory user, checked with the users API's own schemas. Without givenName
// and sn, the displayName (or cn) is split: the last word is the last name.
function readFields(ad: LdifUser, attribute: Attributes): Fields {
  let firstName = ad.firstName;
  let lastName = ad.lastName;
  if (firstName === undefined && lastName === undefined && ad.displayName) {
    const words = ad.displayName.split(/\s+/);
    lastName = words.length > 1 ? words.pop() : '';
    firstName = words.join(' ');
  }
  const shape = userCreate.shape;
  const checks = [
    ['username', shape.username, ad.username],
    ['externalId', shape.externalId, ad.externalId],
    ['firstName', shape.firstName, firstName],
    ['lastName', shape.lastName, lastName],
  ] as const;
  const values: Record<string, string | undefined> = {};
  for (const [key, schema, value] of checks) {
    if (value === undefined) continue;
    const r = schema.safeParse(value);
    if (!r.success) return { ok: false, attribute: attribute[key], message: r.error.issues[0]?.message ?? 'invalid value' };
    values[key] = r.data ?? undefined;
  }
  return {
    ok: true,
    username: values['username'] ?? ad.username,
    externalId: values['externalId'] ?? ad.externalId,
    ...(values['firstName'] !== undefined && { firstName: values['firstName'] }),
    ...(values['lastName'] !== undefined && { lastName: values['lastName'] }),
    ...(ad.language !== undefined && { language: ad.language }),
  };
}

// Parse problems grouped by the entry they belong to (an entry with a problem is not imported).
function parseProblems(text: string, errors: readonly { line: number; message: string }[]): SkippedEntry[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const byEntry = new Map<number, string[]>();
  for (const e of errors) {
    let start = e.line;
    while (start > 1 && (lines[start - 2] ?? '').trim() !== '') start -= 1;
    while (start < e.line && /^(#| |version:)/i.test(lines[start - 1] ?? '')) start += 1;
    byEntry.set(start, [...(byEntry.get(start) ?? []), `line ${e.line}: ${e.message}`]);
  }
  return [...byEntry].map(([line, messages]) => ({ line, field: `entries.${line}`, message: messages.join('; ') }));
}

async function allUsers(repos: Repos, orgId: string): Promise<UserWithRelations[]> {
  const out: UserWithRelations[] = [];
  for (;;) {
    const page = await repos.users.list(orgId, { limit: 500, offset: out.length, sort: 'username', order: 'asc' });
    out.push(...page.items);
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}
