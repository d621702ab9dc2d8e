import { sql, type Kysely } from 'kysely';

/**
 * The SIP service's data (issue 3).
 *
 * - Devices keep HA1 digests instead of SIP passwords: `md5(user:realm:password)` and
 *   `sha256(user:realm:password)` (RFC 8760), realm = the organization's SIP domain. Existing
 *   passwords are turned into digests here and the plaintext column goes. SIP usernames become
 *   unique per organization (the realm tells organizations apart), and any device kind may carry
 *   credentials.
 * - `organizations.max_outbound_calls`: the cap on concurrent outbound trunk calls.
 * - `sip_registrations` (the location service) and `cdrs` are high-volume records, not
 *   configuration: no change-tracking triggers on them.
 * - `trunks`: carrier connections. The password is stored because we answer the carrier's
 *   challenges with it; the API never returns it.
 * - Change tracking (0003) now also covers devices, trunks and new organizations, which the SIP
 *   service's in-memory directory is built from.
 */
const ha1 = (fn: (s: string) => string) => fn(`d.sip_username || ':' || o.sip_domain || ':' || d.sip_password`);

const statements = [
  `alter table organizations add column max_outbound_calls integer not null default 10 check (max_outbound_calls between 0 and 10000)`,
  `alter table devices add column sip_ha1_md5 text, add column sip_ha1_sha256 text`,
  `update devices d
     set sip_ha1_md5 = ${ha1((s) => `md5(${s})`)},
         sip_ha1_sha256 = ${ha1((s) => `encode(sha256(convert_to(${s}, 'UTF8')), 'hex')`)}
     from organizations o
     where o.id = d.org_id and d.sip_username is not null and d.sip_password is not null and d.sip_password <> ''`,
  `alter table devices drop column sip_password`,
  `alter table devices drop constraint devices_sip_username_key`,
  `create unique index devices_org_sip_username on devices (org_id, sip_username)`,
  // Both digests or neither, and never a digest without the username it was made with.
  `alter table devices add constraint devices_sip_ha1_pair check ((sip_ha1_md5 is null) = (sip_ha1_sha256 is null) and (sip_ha1_md5 is null or sip_username is not null))`,

  `create table sip_registrations (
    org_id uuid not null,
    device_id uuid not null,
    aor text not null,
    contact text not null,
    instance_id text,
    reg_id integer,
    call_id text not null,
    cseq bigint not null,
    q real,
    expires_at timestamptz not null,
    received_transport text not null,
    received_address text not null,
    received_port integer not null,
    user_agent text not null default '',
    path jsonb not null default '[]',
    updated_at timestamptz not null default now(),
    primary key (org_id, device_id, contact),
    foreign key (org_id, device_id) references devices(org_id, id) on delete cascade
  )`,
  `create index sip_registrations_expires on sip_registrations (expires_at)`,

  // Users and trunks are referenced by id only: a call record outlives the user or trunk it names,
  // and foreign keys would make every user delete scan the call history.
  `create table cdrs (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    call_id text not null,
    direction text not null check (direction in ('internal','inbound','outbound')),
    from_number text not null,
    from_user_id uuid,
    to_number text not null,
    to_user_id uuid,
    trunk_id uuid,
    started_at timestamptz not null,
    answered_at timestamptz,
    ended_at timestamptz not null,
    cause text not null check (cause in ('answered','busy','no_answer','cancelled','not_found','rejected','failed','unavailable','forbidden','limit_reached')),
    sip_status integer,
    hangup_by text check (hangup_by in ('caller','callee','system'))
  )`,
  `create index cdrs_org_started on cdrs (org_id, started_at desc)`,

  `create table trunks (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    name text not null,
    enabled boolean not null default true,
    outbound_host text not null,
    outbound_port integer not null default 5060 check (outbound_port between 1 and 65535),
    transport text not null default 'udp' check (transport in ('udp','tcp','tls')),
    register boolean not null default false,
    auth_username text,
    auth_password text,
    from_domain text,
    inbound_addresses jsonb not null default '[]',
    priority integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, id),
    unique (org_id, name)
  )`,

  // The trigger functions are those of 0003.
  ...['devices', 'trunks'].flatMap((t) => [
    `create trigger ${t}_version_ins after insert on ${t} referencing new table as new_rows for each statement execute function bump_org_version_new()`,
    `create trigger ${t}_version_upd after update on ${t} referencing new table as new_rows for each statement execute function bump_org_version_new()`,
    `create trigger ${t}_version_del after delete on ${t} referencing old table as old_rows for each statement execute function bump_org_version_old()`,
  ]),
  // A new organization is a new SIP domain the SIP service must learn of.
  `create trigger organizations_version_ins after insert on organizations referencing new table as new_rows for each statement execute function bump_org_version_org()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
