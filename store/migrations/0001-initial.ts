import { sql, type Kysely } from 'kysely';

/**
 * The foundation schema: provider, organizations, sites, numbers, users, lines, devices, groups,
 * settings, directory, contacts, auth and audit. PostgreSQL 15 dialect, run unchanged on PGlite.
 * Every organization-owned table carries org_id, and child rows reference (org_id, id) so a row
 * can never point into another organization.
 */
const statements = [
  `create table provider_admins (
    id uuid primary key default gen_random_uuid(),
    email text not null unique,
    name text not null default '',
    password_hash text not null,
    created_at timestamptz not null default now()
  )`,
  `create table organizations (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    slug text not null unique,
    time_zone text not null,
    default_language text not null,
    sip_domain text not null unique,
    switchboard_number text,
    show_group_numbers boolean not null default false,
    directory_field_names jsonb not null default '["Field 1","Field 2","Field 3","Field 4","Field 5","Field 6"]',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create table sites (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    name text not null,
    address text not null default '',
    time_zone text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, id),
    unique (org_id, name)
  )`,
  `create table number_ranges (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    kind text not null check (kind in ('public','internal')),
    start_number text not null,
    end_number text not null,
    dial_from_ivr boolean not null default false,
    description text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, id)
  )`,
  `create index number_ranges_lookup on number_ranges (kind, length(start_number), start_number)`,
  `create table users (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    site_id uuid,
    username text not null unique,
    password_hash text,
    first_name text not null default '',
    last_name text not null default '',
    language text not null,
    license text not null default 'standard',
    caller_id text,
    forward_number text,
    photo_url text,
    role text not null default 'user' check (role in ('user','full_access','group_admin','org_admin')),
    allowed_apps jsonb not null default '[]',
    calendar_sync_id text,
    external_id text,
    directory_fields jsonb not null default '["","","","","",""]',
    welcome_sent_at timestamptz,
    portal_first_use_at timestamptz,
    mobile_app_first_use_at timestamptz,
    desktop_app_first_use_at timestamptz,
    search_text text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, id),
    foreign key (org_id, site_id) references sites(org_id, id) on delete set null (site_id)
  )`,
  `create index users_org_name on users (org_id, last_name, first_name)`,
  `create unique index users_org_external_id on users (org_id, external_id) where external_id is not null`,
  // One table reserves every number an organization uses, whatever uses it: lines, alias
  // extensions and (later) function numbers. Uniqueness inside the organization is one index.
  `create table number_assignments (
    org_id uuid not null references organizations(id) on delete cascade,
    number text not null,
    owner_kind text not null,
    owner_id uuid not null,
    primary key (org_id, number)
  )`,
  `create index number_assignments_owner on number_assignments (org_id, owner_kind, owner_id)`,
  `create table lines (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null,
    user_id uuid not null,
    slot text not null check (slot in ('primary','secondary')),
    number text not null,
    line_type text not null check (line_type in ('office_fixed','office_mobile')),
    alias_extension text,
    created_at timestamptz not null default now(),
    unique (org_id, user_id, slot),
    foreign key (org_id, user_id) references users(org_id, id) on delete cascade
  )`,
  `create table devices (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    user_id uuid,
    kind text not null check (kind in ('softphone','mobile','desk_phone','sip_account')),
    enabled boolean not null default true,
    number text,
    mobile_client_license boolean not null default false,
    mobile_profile text,
    mobile_voip_allowed boolean not null default false,
    invitation_state text not null default 'not_invited',
    invited_at timestamptz,
    in_use_since timestamptz,
    mac text unique,
    model text,
    firmware text,
    description text not null default '',
    hot_desk boolean not null default false,
    sip_username text unique,
    sip_password text,
    shown_as text check (shown_as in ('analog','desk_phone')),
    last_seen_ip text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, id),
    foreign key (org_id, user_id) references users(org_id, id) on delete set null (user_id)
  )`,
  `create index devices_org_user on devices (org_id, user_id)`,
  `create unique index devices_one_softphone on devices (org_id, user_id) where kind = 'softphone'`,
  `create unique index devices_one_sip_account on devices (org_id, user_id) where kind = 'sip_account'`,
  `create table user_groups (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    name text not null,
    description text not null default '',
    priority integer not null,
    schedule_admin boolean not null default false,
    acd_supervisor boolean not null default false,
    federated boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, id),
    unique (org_id, name)
  )`,
  `create table group_members (
    org_id uuid not null,
    group_id uuid not null,
    user_id uuid not null,
    primary key (group_id, user_id),
    foreign key (org_id, group_id) references user_groups(org_id, id) on delete cascade,
    foreign key (org_id, user_id) references users(org_id, id) on delete cascade
  )`,
  `create index group_members_user on group_members (org_id, user_id)`,
  // An admin group's members (role group_admin) administer the users of these target groups.
  `create table admin_group_scopes (
    org_id uuid not null,
    admin_group_id uuid not null,
    target_group_id uuid not null,
    primary key (admin_group_id, target_group_id),
    foreign key (org_id, admin_group_id) references user_groups(org_id, id) on delete cascade,
    foreign key (org_id, target_group_id) references user_groups(org_id, id) on delete cascade
  )`,
  `create table settings (
    org_id uuid not null references organizations(id) on delete cascade,
    level text not null check (level in ('organization','group','user')),
    target_id uuid not null,
    key text not null,
    value jsonb not null,
    updated_at timestamptz not null default now(),
    primary key (org_id, level, target_id, key)
  )`,
  `create table directory_moderation (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null,
    user_id uuid not null,
    field integer not null check (field between 1 and 6),
    old_value text not null,
    new_value text not null,
    status text not null default 'pending' check (status in ('pending','approved','rejected')),
    requested_at timestamptz not null default now(),
    decided_by text,
    decided_at timestamptz,
    foreign key (org_id, user_id) references users(org_id, id) on delete cascade
  )`,
  `create index directory_moderation_pending on directory_moderation (org_id, status, requested_at)`,
  `create table contacts (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    owner_level text not null check (owner_level in ('organization','group','user')),
    owner_id uuid not null,
    kind text not null check (kind in ('internal','external')),
    mandatory boolean not null default false,
    contact_user_id uuid,
    company text not null default '',
    department text not null default '',
    first_name text not null default '',
    last_name text not null default '',
    short_name text not null default '',
    address text not null default '',
    email text not null default '',
    speed_dial text,
    type text not null default 'contact' check (type in ('favourite','contact','vip','blocked')),
    numbers jsonb not null default '[]',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    foreign key (org_id, contact_user_id) references users(org_id, id) on delete cascade
  )`,
  `create index contacts_owner on contacts (org_id, owner_level, owner_id)`,
  `create table contact_imports (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references organizations(id) on delete cascade,
    owner_level text not null,
    owner_id uuid not null,
    filename text not null,
    delimiter text not null,
    rows jsonb not null,
    created_by text not null,
    created_at timestamptz not null default now()
  )`,
  `create table sessions (
    token_hash text primary key,
    principal_kind text not null check (principal_kind in ('provider','user')),
    principal_id uuid not null,
    org_id uuid,
    csrf_token text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
  )`,
  `create index sessions_principal on sessions (principal_kind, principal_id)`,
  `create table api_tokens (
    id uuid primary key default gen_random_uuid(),
    token_hash text not null unique,
    principal_kind text not null check (principal_kind in ('provider','user')),
    principal_id uuid not null,
    org_id uuid,
    name text not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  `create table login_failures (
    username text primary key,
    failures integer not null,
    last_failure_at timestamptz not null,
    locked_until timestamptz
  )`,
  `create table audit_log (
    id bigint generated always as identity primary key,
    org_id uuid,
    at timestamptz not null default now(),
    actor_kind text not null,
    actor_id text not null,
    actor_name text not null,
    action text not null,
    resource_type text not null,
    resource_id text,
    before jsonb,
    after jsonb
  )`,
  `create index audit_log_org on audit_log (org_id, id desc)`,
  // The audit log is append-only for everyone, the application included.
  `create function audit_log_is_append_only() returns trigger language plpgsql as $$
   begin raise exception 'audit_log is append-only'; end $$`,
  `create trigger audit_log_no_update before update or delete on audit_log
   for each statement execute function audit_log_is_append_only()`,
  `create trigger audit_log_no_truncate before truncate on audit_log
   for each statement execute function audit_log_is_append_only()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
