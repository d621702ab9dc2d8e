import type { ContactNumber, ContactRow } from '../../store/database.ts';
import type { ContactInput, ContactListQuery, ContactOwner } from '../../store/repos/contacts-repo.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import { AppError, forbidden, invalid, notFound } from '../errors.ts';
import { effectiveOwners, type ContactAccess } from './access.ts';
import { contactUsers, presentContact, type ContactView } from './presenter.ts';
import { EXTERNAL_ONLY, NAME_FIELDS, type ContactCreateBody, type ContactNumberBody, type ContactUpdateBody } from './schemas.ts';

const MANDATORY = 'Mandatory contacts are managed by administrators; users cannot change or remove them';

function toNumbers(numbers: readonly ContactNumberBody[]): ContactNumber[] {
  return numbers.map((n) => ({ number: n.number, type: n.type, ...(n.shortNumber ? { shortNumber: n.shortNumber } : {}) }));
}

/** A speed-dial code is unique within one list. */
async function checkSpeedDial(repos: Repos, orgId: string, owner: ContactOwner, speedDial: string | null | undefined, exceptId?: string): Promise<void> {
  if (!speedDial) return;
  const holder = await repos.contacts.findBySpeedDial(orgId, owner, speedDial);
  if (holder && holder.id !== exceptId) throw new AppError('duplicate', `Speed dial ${speedDial} is already used in this list`, 'speedDial');
}

/** Loads a contact of the organization, or 404 (another tenant's id included). */
export async function loadContact(repos: Repos, orgId: string, id: string): Promise<ContactRow> {
  const c = await repos.contacts.get(orgId, id);
  if (!c) throw notFound('Contact');
  return c;
}

export async function presentOne(repos: Repos, orgId: string, c: ContactRow): Promise<ContactView> {
  return presentContact(c, await contactUsers(repos, orgId, [c]));
}

/** Adds a contact to a list inside the caller's transaction. */
export async function createContact(repos: Repos, access: ContactAccess, body: ContactCreateBody): Promise<ContactRow> {
  const { orgId, owner } = access;
  const kind = body.kind ?? (body.contactUserId ? 'internal' : 'external');
  let input: ContactInput;
  if (kind === 'internal') {
    if (access.selfService) throw new AppError('forbidden', 'Only administrators add mandatory internal contacts', 'kind');
    const userId = body.contactUserId ?? '';
    if (!(await repos.users.get(orgId, userId))) throw invalid('contactUserId', 'User does not exist');
    if (await repos.contacts.findInternal(orgId, owner, userId)) throw new AppError('duplicate', 'This user is already in the list', 'contactUserId');
    input = { kind, mandatory: true, contactUserId: userId, shortName: body.shortName, speedDial: body.speedDial, type: body.type };
  } else {
    input = { ...body, kind, mandatory: false, contactUserId: null, numbers: toNumbers(body.numbers ?? []) };
  }
  await checkSpeedDial(repos, orgId, owner, body.speedDial);
  const row = await repos.contacts.create(orgId, owner, input);
  await audit(repos, access.principal, orgId, 'contact.create', { type: 'contact', id: row.id }, null, presentContact(row));
  return row;
}

/** Changes a contact; users in self-service never change mandatory ones. */
export async function updateContact(repos: Repos, access: ContactAccess, before: ContactRow, body: ContactUpdateBody): Promise<ContactRow> {
  const { orgId } = access;
  if (access.selfService && before.mandatory) throw forbidden(MANDATORY);
  if (before.kind === 'internal') {
    const wrong = EXTERNAL_ONLY.find((f) => body[f] !== undefined);
    if (wrong) throw invalid(wrong, `An internal contact has no ${wrong}; it shows the user's own`);
  } else {
    const name = (f: (typeof NAME_FIELDS)[number]) =>
      body[f] ?? { firstName: before.first_name, lastName: before.last_name, company: before.company, shortName: before.short_name }[f];
    if (!NAME_FIELDS.some((f) => name(f).length > 0)) throw invalid('firstName', 'Give a first name, last name, company or short name');
  }
  await checkSpeedDial(repos, orgId, access.owner, body.speedDial, before.id);
  const { numbers, ...rest } = body;
  const row = await repos.contacts.update(orgId, before.id, { ...rest, ...(numbers !== undefined && { numbers: toNumbers(numbers) }) });
  if (!row) throw notFound('Contact');
  await audit(repos, access.principal, orgId, 'contact.update', { type: 'contact', id: row.id }, presentContact(before), presentContact(row));
  return row;
}

/** Removes a contact; users in self-service never remove mandatory ones. */
export async function deleteContact(repos: Repos, access: ContactAccess, before: ContactRow): Promise<void> {
  if (access.selfService && before.mandatory) throw forbidden(MANDATORY);
  if (!(await repos.contacts.delete(access.orgId, before.id))) throw notFound('Contact');
  await audit(repos, access.principal, access.orgId, 'contact.delete', { type: 'contact', id: before.id }, presentContact(before), null);
}

export interface EffectiveContact extends ContactView {
  inheritedFrom: { level: ContactOwner['level']; id: string; name: string };
  /** Whether the user may remove it: only their own contacts that are not mandatory. */
  removable: boolean;
}

/** The list a user actually has: the organization's, their groups' and their own (SPEC §4). */
export async function effectiveContacts(
  repos: Repos,
  orgId: string,
  userId: string,
  query: ContactListQuery,
): Promise<{ items: EffectiveContact[]; total: number }> {
  const user = await repos.users.get(orgId, userId);
  if (!user) throw notFound('User');
  const owners = await effectiveOwners(repos, orgId, userId);
  const page = await repos.contacts.list(orgId, owners, query);
  const [org, groups, users] = await Promise.all([repos.organizations.get(orgId), repos.groups.all(orgId), contactUsers(repos, orgId, page.items)]);
  const names = new Map<string, string>([
    [`organization:${orgId}`, org?.name ?? ''],
    [`user:${userId}`, `${user.first_name} ${user.last_name}`.trim()],
    ...groups.map((g) => [`group:${g.id}`, g.name] as [string, string]),
  ]);
  const items = page.items.map((c) => {
    const own = c.owner_level === 'user' && c.owner_id === userId;
    return {
      ...presentContact(c, users),
      inheritedFrom: { level: c.owner_level, id: c.owner_id, name: names.get(`${c.owner_level}:${c.owner_id}`) ?? '' },
      removable: own && !c.mandatory,
    };
  });
  return { items, total: page.total };
}
