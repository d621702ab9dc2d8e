import { sql, type Kysely } from 'kysely';

/**
 * A per-organization version number, bumped by the database on every change to the tables the
 * API's read models are built from. A node checks one row to know whether its in-memory copy of
 * an organization is current, so the read models stay right with several nodes on one PostgreSQL.
 * Statement-level triggers with transition tables: a 10,000-row import bumps once, not 10,000 times.
 */
const WATCHED = ['users', 'lines', 'group_members', 'user_groups', 'settings', 'admin_group_scopes', 'organizations'];

const statements = [
  `create table org_data_versions (
    org_id uuid primary key,
    version bigint not null default 0
  )`,
  `create function bump_org_version_new() returns trigger language plpgsql as $$
   begin
     insert into org_data_versions as v (org_id, version)
       select distinct org_id, 1 from new_rows
       on conflict (org_id) do update set version = v.version + 1;
     return null;
   end $$`,
  `create function bump_org_version_old() returns trigger language plpgsql as $$
   begin
     insert into org_data_versions as v (org_id, version)
       select distinct org_id, 1 from old_rows
       on conflict (org_id) do update set version = v.version + 1;
     return null;
   end $$`,
  // organizations has no org_id column; its id is the organization.
  `create function bump_org_version_org() returns trigger language plpgsql as $$
   begin
     insert into org_data_versions as v (org_id, version)
       select distinct id, 1 from new_rows
       on conflict (org_id) do update set version = v.version + 1;
     return null;
   end $$`,
];

function triggers(table: string): string[] {
  if (table === 'organizations') {
    return [
      `create trigger ${table}_version_upd after update on ${table} referencing new table as new_rows for each statement execute function bump_org_version_org()`,
    ];
  }
  return [
    `create trigger ${table}_version_ins after insert on ${table} referencing new table as new_rows for each statement execute function bump_org_version_new()`,
    `create trigger ${table}_version_upd after update on ${table} referencing new table as new_rows for each statement execute function bump_org_version_new()`,
    `create trigger ${table}_version_del after delete on ${table} referencing old table as old_rows for each statement execute function bump_org_version_old()`,
  ];
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...statements, ...WATCHED.flatMap(triggers)]) await sql.raw(statement).execute(db);
}
