import { sql, type Kysely } from 'kysely';

/**
 * Change notifications, so each node keeps its in-memory read models and credential cache
 * current without asking the database on every request: `vaxel_org_data` carries the id of an
 * organization whose data changed, `vaxel_auth` says that credentials or their owners changed.
 * NOTIFY is delivered after commit, to every listener (PGlite in-process, PostgreSQL on every node).
 */
/** A statement-level trigger function: bump and announce each organization in the transition table. */
function bumpAndNotify(name: string, table: 'new_rows' | 'old_rows', column: 'org_id' | 'id', bump: boolean): string {
  const upsert = bump ? `insert into org_data_versions as v (org_id, version) values (o, 1) on conflict (org_id) do update set version = v.version + 1;` : '';
  return `create or replace function ${name}() returns trigger language plpgsql as $$
   declare o uuid;
   begin
     for o in select distinct ${column} from ${table} loop
       ${upsert}
       perform pg_notify('vaxel_org_data', o::text);
     end loop;
     return null;
   end $$`;
}

const statements = [
  bumpAndNotify('bump_org_version_new', 'new_rows', 'org_id', true),
  bumpAndNotify('bump_org_version_old', 'old_rows', 'org_id', true),
  // organizations has no org_id column; its id is the organization.
  bumpAndNotify('bump_org_version_org', 'new_rows', 'id', true),
  bumpAndNotify('bump_org_version_org_deleted', 'old_rows', 'id', false),
  `create trigger organizations_version_del after delete on organizations referencing old table as old_rows
   for each statement execute function bump_org_version_org_deleted()`,
  `create function notify_auth_change() returns trigger language plpgsql as $$
   begin
     perform pg_notify('vaxel_auth', TG_TABLE_NAME);
     return null;
   end $$`,
];

const AUTH_WATCHED: [table: string, events: string][] = [
  ['api_tokens', 'update or delete'],
  ['sessions', 'delete'],
  ['users', 'update or delete'],
  ['provider_admins', 'update or delete'],
  ['organizations', 'delete'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
  for (const [table, events] of AUTH_WATCHED) {
    await sql.raw(`create trigger ${table}_auth_notify after ${events} on ${table} for each statement execute function notify_auth_change()`).execute(db);
  }
}
