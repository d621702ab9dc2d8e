import type { ContactRow } from '../../store/database.ts';
import type { UserWithRelations } from '../../store/repos/users-repo.ts';
import type { Repos } from '../../store/store.ts';

/** The user an internal contact points at, as the softphone shows it. */
function presentContactUser(u: UserWithRelations | undefined) {
  if (!u) return null;
  return { id: u.id, username: u.username, firstName: u.first_name, lastName: u.last_name, numbers: u.lines.map((l) => l.number) };
}

/** The public shape of a contact. */
export function presentContact(c: ContactRow, users: ReadonlyMap<string, UserWithRelations> = new Map()) {
  return {
    id: c.id,
    owner: { level: c.owner_level, id: c.owner_id },
    kind: c.kind,
    mandatory: c.mandatory,
    contactUserId: c.contact_user_id,
    contactUser: c.contact_user_id ? presentContactUser(users.get(c.contact_user_id)) : null,
    company: c.company,
    department: c.department,
    firstName: c.first_name,
    lastName: c.last_name,
    shortName: c.short_name,
    address: c.address,
    email: c.email,
    speedDial: c.speed_dial,
    type: c.type,
    numbers: c.numbers.map((n) => ({ number: n.number, type: n.type, shortNumber: n.shortNumber ?? null })),
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}

export type ContactView = ReturnType<typeof presentContact>;

/** Loads the users internal contacts point at, for `presentContact`. */
export async function contactUsers(repos: Repos, orgId: string, rows: readonly ContactRow[]): Promise<Map<string, UserWithRelations>> {
  const ids = [...new Set(rows.map((r) => r.contact_user_id).filter((id): id is string => id !== null))];
  const users = await repos.users.getMany(orgId, ids);
  return new Map(users.map((u) => [u.id, u]));
}

/** Presents rows with the users their internal contacts point at. */
export async function presentContacts(repos: Repos, orgId: string, rows: readonly ContactRow[]): Promise<ContactView[]> {
  const users = await contactUsers(repos, orgId, rows);
  return rows.map((r) => presentContact(r, users));
}
