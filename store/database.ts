import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Row types of the store, one interface a table, as the migrations define them. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface ProviderAdminsTable {
  id: Generated<string>;
  email: string;
  name: Generated<string>;
  password_hash: string;
  created_at: CreatedAt;
}

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  slug: string;
  time_zone: string;
  default_language: string;
  sip_domain: string;
  switchboard_number: string | null;
  show_group_numbers: Generated<boolean>;
  /** Concurrent outbound trunk calls allowed; 0 = none. */
  max_outbound_calls: Generated<number>;
  directory_field_names: Json<string[]>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SitesTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  address: Generated<string>;
  time_zone: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface NumberRangesTable {
  id: Generated<string>;
  org_id: string;
  kind: 'public' | 'internal';
  start_number: string;
  end_number: string;
  dial_from_ivr: boolean;
  description: Generated<string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type UserRole = 'user' | 'full_access' | 'group_admin' | 'org_admin';

export interface UsersTable {
  id: Generated<string>;
  org_id: string;
  site_id: string | null;
  username: string;
  password_hash: string | null;
  first_name: string;
  last_name: string;
  language: string;
  license: string;
  caller_id: string | null;
  forward_number: string | null;
  photo_url: string | null;
  role: UserRole;
  allowed_apps: Json<string[]>;
  calendar_sync_id: string | null;
  external_id: string | null;
  directory_fields: Json<string[]>;
  welcome_sent_at: Date | null;
  portal_first_use_at: Date | null;
  mobile_app_first_use_at: Date | null;
  desktop_app_first_use_at: Date | null;
  search_text: Generated<string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface NumberAssignmentsTable {
  org_id: string;
  number: string;
  owner_kind: string;
  owner_id: string;
}

export interface LinesTable {
  id: Generated<string>;
  org_id: string;
  user_id: string;
  slot: 'primary' | 'secondary';
  number: string;
  line_type: 'office_fixed' | 'office_mobile';
  alias_extension: string | null;
  created_at: CreatedAt;
}

export type DeviceKind = 'softphone' | 'mobile' | 'desk_phone' | 'sip_account';

export interface DevicesTable {
  id: Generated<string>;
  org_id: string;
  user_id: string | null;
  kind: DeviceKind;
  enabled: boolean;
  number: string | null;
  mobile_client_license: boolean;
  mobile_profile: string | null;
  mobile_voip_allowed: boolean;
  invitation_state: 'not_invited' | 'invited' | 'in_use';
  invited_at: Date | null;
  in_use_since: Date | null;
  mac: string | null;
  model: string | null;
  firmware: string | null;
  description: string;
  hot_desk: boolean;
  /** Unique in the organization. */
  sip_username: string | null;
  /** HA1 digests of username:realm:password (realm = the organization's SIP domain), hex; never the password. */
  sip_ha1_md5: string | null;
  sip_ha1_sha256: string | null;
  shown_as: 'analog' | 'desk_phone' | null;
  last_seen_ip: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserGroupsTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  description: string;
  priority: number;
  schedule_admin: boolean;
  acd_supervisor: boolean;
  federated: boolean;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface GroupMembersTable {
  org_id: string;
  group_id: string;
  user_id: string;
}

export interface AdminGroupScopesTable {
  org_id: string;
  admin_group_id: string;
  target_group_id: string;
}

export type SettingLevelColumn = 'organization' | 'group' | 'user';

export interface SettingsTable {
  org_id: string;
  level: SettingLevelColumn;
  target_id: string;
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
}

export interface DirectoryModerationTable {
  id: Generated<string>;
  org_id: string;
  user_id: string;
  field: number;
  old_value: string;
  new_value: string;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  requested_at: CreatedAt;
  decided_by: string | null;
  decided_at: Date | null;
}

export interface ContactNumber {
  number: string;
  type: string;
  shortNumber?: string | undefined;
}

export interface ContactsTable {
  id: Generated<string>;
  org_id: string;
  owner_level: SettingLevelColumn;
  owner_id: string;
  kind: 'internal' | 'external';
  mandatory: boolean;
  contact_user_id: string | null;
  company: string;
  department: string;
  first_name: string;
  last_name: string;
  short_name: string;
  address: string;
  email: string;
  speed_dial: string | null;
  type: 'favourite' | 'contact' | 'vip' | 'blocked';
  numbers: Json<ContactNumber[]>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ContactImportsTable {
  id: Generated<string>;
  org_id: string;
  owner_level: SettingLevelColumn;
  owner_id: string;
  filename: string;
  delimiter: string;
  rows: Json<string[][]>;
  created_by: string;
  created_at: CreatedAt;
}

export type PrincipalKind = 'provider' | 'user';

export interface SessionsTable {
  token_hash: string;
  principal_kind: PrincipalKind;
  principal_id: string;
  org_id: string | null;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Date;
}

export interface ApiTokensTable {
  id: Generated<string>;
  token_hash: string;
  principal_kind: PrincipalKind;
  principal_id: string;
  org_id: string | null;
  name: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface LoginFailuresTable {
  username: string;
  failures: number;
  last_failure_at: Date;
  locked_until: Date | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  org_id: string | null;
  at: Timestamp;
  actor_kind: string;
  actor_id: string;
  actor_name: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
}

export type FunctionNumberKind = 'acd' | 'attendant' | 'hunt' | 'ivr' | 'rule_based' | 'group_inbox';

export interface FunctionNumbersTable {
  id: Generated<string>;
  org_id: string;
  kind: FunctionNumberKind;
  number: string;
  name: string;
  feature_code_id: number | null;
  config: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SchedulesTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  function_number_id: string | null;
  events: Json<unknown[]>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SipRegistrationsTable {
  org_id: string;
  device_id: string;
  aor: string;
  contact: string;
  instance_id: string | null;
  reg_id: number | null;
  call_id: string;
  cseq: number;
  q: number | null;
  expires_at: Date;
  received_transport: string;
  received_address: string;
  received_port: number;
  user_agent: string;
  path: Json<string[]>;
  updated_at: Timestamp;
}

export type CdrDirection = 'internal' | 'inbound' | 'outbound';
export type CdrCause = 'answered' | 'busy' | 'no_answer' | 'cancelled' | 'not_found' | 'rejected' | 'failed' | 'unavailable' | 'forbidden' | 'limit_reached';
export type CdrHangupBy = 'caller' | 'callee' | 'system';

export interface CdrsTable {
  id: Generated<string>;
  org_id: string;
  call_id: string;
  direction: CdrDirection;
  from_number: string;
  from_user_id: string | null;
  to_number: string;
  to_user_id: string | null;
  trunk_id: string | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date;
  cause: CdrCause;
  sip_status: number | null;
  hangup_by: CdrHangupBy | null;
}

export type TrunkTransport = 'udp' | 'tcp' | 'tls';

export interface TrunksTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  enabled: Generated<boolean>;
  outbound_host: string;
  outbound_port: Generated<number>;
  transport: Generated<TrunkTransport>;
  register: Generated<boolean>;
  auth_username: string | null;
  /** Stored as given: we answer the carrier's digest challenges with it. Never leaves through the API. */
  auth_password: string | null;
  from_domain: string | null;
  inbound_addresses: Json<string[]>;
  priority: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** One number conversion rule (SPEC §3); a target's rules apply in `position` order. */
export interface NumberConversionRulesTable {
  org_id: string;
  level: SettingLevelColumn;
  target_id: string;
  position: number;
  prefix: string;
  digits: number;
  ranges: Json<Array<{ from: string; to: string }>>;
  rewrite: string;
}

export interface OrgDataVersionsTable {
  org_id: string;
  version: number;
}

export interface Database {
  org_data_versions: OrgDataVersionsTable;
  function_numbers: FunctionNumbersTable;
  schedules: SchedulesTable;
  provider_admins: ProviderAdminsTable;
  organizations: OrganizationsTable;
  sites: SitesTable;
  number_ranges: NumberRangesTable;
  users: UsersTable;
  number_assignments: NumberAssignmentsTable;
  lines: LinesTable;
  devices: DevicesTable;
  user_groups: UserGroupsTable;
  group_members: GroupMembersTable;
  admin_group_scopes: AdminGroupScopesTable;
  settings: SettingsTable;
  directory_moderation: DirectoryModerationTable;
  contacts: ContactsTable;
  contact_imports: ContactImportsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  audit_log: AuditLogTable;
  sip_registrations: SipRegistrationsTable;
  cdrs: CdrsTable;
  trunks: TrunksTable;
  number_conversion_rules: NumberConversionRulesTable;
}

export type Organization = Selectable<OrganizationsTable>;
export type NewOrganization = Insertable<OrganizationsTable>;
export type OrganizationUpdate = Updateable<OrganizationsTable>;
export type Site = Selectable<SitesTable>;
export type NumberRange = Selectable<NumberRangesTable>;
export type UserRow = Selectable<UsersTable>;
export type LineRow = Selectable<LinesTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type GroupRow = Selectable<UserGroupsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type AuditRow = Selectable<AuditLogTable>;
