import { sql, type Kysely } from 'kysely';

/**
 * Number conversion rules (SPEC §3): prefix rewrites per organization, group or user, applied in
 * `position` order within their target. A target's list is replaced as a whole.
 *
 * - Change tracking (0003) covers the table: the SIP service rebuilds its directory from it.
 * - `target_id` references a user or group by level, so no foreign key can: a deleted user's or
 *   group's rules go with it through the triggers below, whatever deletes them (the API, an import,
 *   the organization's cascade).
 */
const statements = [
  `create table number_conversion_rules (
    org_id uuid not null references organizations(id) on delete cascade,
    level text not null check (level in ('organization','group','user')),
    target_id uuid not null,
    position integer not null check (position >= 0),
    prefix text not null,
    digits integer not null check (digits between 0 and 20),
    ranges jsonb not null default '[]' check (jsonb_typeof(ranges) = 'array'),
    rewrite text not null,
    primary key (org_id, level, target_id, position)
  )`,
  // The trigger functions are those of 0003.
  `create trigger number_conversion_rules_version_ins after insert on number_conversion_rules referencing new table as new_rows for each statement execute function bump_org_version_new()`,
  `create trigger number_conversion_rules_version_upd after update on number_conversion_rules referencing new table as new_rows for each statement execute function bump_org_version_new()`,
  `create trigger number_conversion_rules_version_del after delete on number_conversion_rules referencing old table as old_rows for each statement execute function bump_org_version_old()`,
  ...(['user', 'group'] as const).map(
    (level) => `create function delete_${level}_conversion_rules() returns trigger language plpgsql as $$
     begin
       delete from number_conversion_rules r using old_rows o where r.org_id = o.org_id and r.level = '${level}' and r.target_id = o.id;
       return null;
     end $$`,
  ),
  `create trigger users_conversion_rules_del after delete on users referencing old table as old_rows for each statement execute function delete_user_conversion_rules()`,
  `create trigger user_groups_conversion_rules_del after delete on user_groups referencing old table as old_rows for each statement execute function delete_group_conversion_rules()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
