import type { ModerationRow } from '../../store/repos/directory-repo.ts';
import type { UserRow } from '../../store/database.ts';

/** How many searchable fields lead the six (SPEC §4: fields 1–3 are searchable, 4–6 not). */
export const SEARCHABLE_FIELDS = 3;

/** The six field names of an organization, numbered from 1. */
export function presentDirectoryFields(names: readonly string[]) {
  return names.map((name, i) => ({ field: i + 1, name, searchable: i < SEARCHABLE_FIELDS }));
}

export type ModerationUser = Pick<UserRow, 'id' | 'username' | 'first_name' | 'last_name'>;

/** A moderation request, with the field's name and the requesting user for the moderator's list. */
export function presentModeration(r: ModerationRow, names: readonly string[], user?: ModerationUser) {
  return {
    id: r.id,
    userId: r.user_id,
    user: user && user.id === r.user_id ? { id: user.id, username: user.username, name: `${user.first_name} ${user.last_name}`.trim() } : null,
    field: r.field,
    fieldName: names[r.field - 1] ?? `Field ${r.field}`,
    searchable: r.field <= SEARCHABLE_FIELDS,
    oldValue: r.old_value,
    newValue: r.new_value,
    status: r.status,
    requestedAt: r.requested_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  };
}

export type ModerationView = ReturnType<typeof presentModeration>;
