import { sql, type Kysely } from 'kysely';

/**
 * Change tracking for the API's in-memory read models and credential cache.
 *
 * - `org_data_versions`: a version per organization, bumped on every change to the tables the read
 *   models are built from; a node without notifications compares it on each read.
 * - `NOTIFY vaxel_org_data '<org id>'` after commit for the same changes, and `NOTIFY vaxel_auth`
 *   when credentials or their owners change: each node LISTENs and drops what is stale, so the
 *   caches stay right with several nodes on one PostgreSQL (PGlite delivers them in-process).
 *
 * Statement-level triggers with transition tables: a 10,000-row import bumps once per organization.
 */
const WATCHED = ['users', 'lines', 'group_members', 'user_groups', 'settings', 'admin_group_scopes'];

const AUTH_WATCHED: [table: string, events: string][] = [
  ['api_tokens', 'update or delete'],
  ['sessions', 'delete'],
  ['users', 'update or delete'],
  ['provider_admins', 'update or delete'],
  ['organizations', 'delete'],
];

/** A trigger function that bumps (unless the organization is gone) and announces each organization of a transition table. */
function bumpAndNotify(name: string, table: 'new_rows' | 'old_rows', column: 'org_id' | 'id', bump: boolean): string {
  const upsert = bump ? `insert into org_data_versions as v (org_id, version) values (o, 1) on conflict (org_id) do update set version = v.version + 1;` : '';
  return `create function ${name}() returns trigger language plpgsql as $$
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
  `create table org_data_versions (
    org_id uuid primary key,
    version bigint not null default 0
  )`,
  bumpAndNotify('bump_org_version_new', 'new_rows', 'org_id', true),
  bumpAndNotify('bump_org_version_old', 'old_rows', 'org_id', true),
  // organizations has no org_id column; its id is the organization.
  bumpAndNotify('bump_org_version_org', 'new_rows', 'id', true),
  bumpAndNotify('bump_org_version_org_deleted', 'old_rows', 'id', false),
  `create function notify_auth_change() returns trigger language plpgsql as $$
   begin
     perform pg_notify('vaxel_auth', TG_TABLE_NAME);
     return null;
   end $$`,
  ...WATCHED.flatMap((t) => [
    `create trigger ${t}_version_ins after insert on ${t} referencing new table as new_rows for each statement execute function bump_org_version_new()`,
    `create trigger ${t}_version_upd after update on ${t} referencing new table as new_rows for each statement execute function bump_org_version_new()`,
    `create trigger ${t}_version_del after delete on ${t} referencing old table as old_rows for each statement execute function bump_org_version_old()`,
  ]),
  `create trigger organizations_version_upd after update on organizations referencing new table as new_rows for each statement execute function bump_org_version_org()`,
  `create trigger organizations_version_del after delete on organizations referencing old table as old_rows for each statement execute function bump_org_version_org_deleted()`,
  ...AUTH_WATCHED.map(([t, events]) => `create trigger ${t}_auth_notify after ${events} on ${t} for each statement execute function notify_auth_change()`),
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
