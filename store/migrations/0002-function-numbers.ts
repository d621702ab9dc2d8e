import { sql, type Kysely } from 'kysely';

/**
 * Function numbers (ACD, attendant and hunt groups, IVRs, rule-based numbers, group inboxes; SPEC
 * §10) and schedules (§9) as configuration records. Their numbers are reserved in
 * number_assignments like lines. The engine issues give `config` its typed shape.
 */
const statements = [
  `create table function_numbers (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    kind text not null check (kind in ('acd','attendant','hunt','ivr','rule_based','group_inbox')),
    number text not null,
    name text not null,
    feature_code_id integer,
    config jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, id),
    unique (org_id, number)
  )`,
  `create table schedules (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    name text not null,
    function_number_id uuid,
    events jsonb not null default '[]',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, id),
    unique (org_id, name),
    foreign key (org_id, function_number_id) references function_numbers(org_id, id) on delete set null (function_number_id)
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
