/**
 * What the SIP service knows about each organization, held in memory and rebuilt from the
 * store when the organization's configuration changes (the app wires that). sip/ does not
 * import the store: these are its ports.
 */
import { convertNumber, type ConversionRule } from '../core/numbers/conversion.ts';

export interface SipAccount {
  orgId: string;
  deviceId: string;
  userId: string | null;
  kind: string;
  /** Lowercase SIP username: the user part of the device's AOR sip:username@domain. */
  username: string;
  enabled: boolean;
  ha1Md5: string;
  ha1Sha256: string;
}

export interface SipLine {
  slot: 'primary' | 'secondary';
  number: string;
  aliasExtension: string | null;
}

export interface SipUser {
  id: string;
  displayName: string;
  callerId: string | null;
  lines: SipLine[];
  /** The user's groups, best priority first: the order their number conversion rules are tried in. */
  groupIds?: string[];
}

export interface SipTrunk {
  id: string;
  name: string;
  enabled: boolean;
  outboundHost: string;
  outboundPort: number;
  transport: 'udp' | 'tcp' | 'tls';
  register: boolean;
  authUsername: string | null;
  authPassword: string | null;
  fromDomain: string | null;
  inboundAddresses: string[];
  priority: number;
}

export interface NumberRange {
  kind: 'public' | 'internal';
  start: string;
  end: string;
}

/** The shape the store's sipAccounts.loadOrg returns. */
export interface SipOrgSnapshot {
  org: { id: string; name: string; sipDomain: string; timeZone: string; maxOutboundCalls: number; switchboardNumber: string | null };
  devices: Array<{ id: string; userId: string | null; kind: string; enabled: boolean; sipUsername: string; ha1Md5: string; ha1Sha256: string }>;
  users: SipUser[];
  numberRanges: NumberRange[];
  trunks: SipTrunk[];
  conversionRules?: Array<{ level: 'organization' | 'group' | 'user'; targetId: string; rules: ConversionRule[] }>;
}

/** Number conversion rules by level and target (SPEC §3). */
export interface SipConversion {
  organization: readonly ConversionRule[];
  groups: ReadonlyMap<string, readonly ConversionRule[]>;
  users: ReadonlyMap<string, readonly ConversionRule[]>;
}

/** One organization as the registrar and the B2BUA see it. */
export interface SipOrg {
  id: string;
  name: string;
  domain: string;
  timeZone: string;
  maxOutboundCalls: number;
  switchboardNumber: string | null;
  accounts: Map<string, SipAccount>;
  accountsByDevice: Map<string, SipAccount>;
  devicesByUser: Map<string, SipAccount[]>;
  users: Map<string, SipUser>;
  /** Every number that reaches a user: line numbers and alias extensions. */
  numbers: Map<string, string>;
  ranges: NumberRange[];
  trunks: SipTrunk[];
  /** Absent: no rules, every number leaves as dialled. */
  conversion?: SipConversion;
}

export function buildSipOrg(s: SipOrgSnapshot): SipOrg {
  const accounts = new Map<string, SipAccount>();
  const accountsByDevice = new Map<string, SipAccount>();
  const devicesByUser = new Map<string, SipAccount[]>();
  for (const d of s.devices) {
    const a: SipAccount = {
      orgId: s.org.id,
      deviceId: d.id,
      userId: d.userId,
      kind: d.kind,
      username: d.sipUsername.toLowerCase(),
      enabled: d.enabled,
      ha1Md5: d.ha1Md5,
      ha1Sha256: d.ha1Sha256,
    };
    accounts.set(a.username, a);
    accountsByDevice.set(a.deviceId, a);
    if (a.userId) {
      const list = devicesByUser.get(a.userId);
      if (list) list.push(a);
      else devicesByUser.set(a.userId, [a]);
    }
  }
  const users = new Map<string, SipUser>();
  const numbers = new Map<string, string>();
  for (const u of s.users) {
    users.set(u.id, u);
    for (const l of u.lines) {
      numbers.set(l.number, u.id);
      if (l.aliasExtension) numbers.set(l.aliasExtension, u.id);
    }
  }
  return {
    id: s.org.id,
    name: s.org.name,
    domain: s.org.sipDomain.toLowerCase(),
    timeZone: s.org.timeZone,
    maxOutboundCalls: s.org.maxOutboundCalls,
    switchboardNumber: s.org.switchboardNumber,
    accounts,
    accountsByDevice,
    devicesByUser,
    users,
    numbers,
    ranges: s.numberRanges,
    trunks: s.trunks.filter((t) => t.enabled).sort((a, b) => a.priority - b.priority),
    conversion: buildConversion(s.conversionRules ?? []),
  };
}

function buildConversion(sets: NonNullable<SipOrgSnapshot['conversionRules']>): SipConversion {
  const groups = new Map<string, ConversionRule[]>();
  const users = new Map<string, ConversionRule[]>();
  let organization: ConversionRule[] = [];
  for (const set of sets) {
    if (set.rules.length === 0) continue;
    if (set.level === 'organization') organization = set.rules;
    else (set.level === 'group' ? groups : users).set(set.targetId, set.rules);
  }
  return { organization, groups, users };
}

/**
 * What a number dialled by `userId` (null: a device without a user) becomes under number
 * conversion: the user's rules first, then each of the user's groups' by priority, then the
 * organization's; the first rule matching the whole number converts it (112 and 114 never).
 */
export function convertForUser(org: SipOrg, userId: string | null, dialled: string): string {
  const c = org.conversion;
  if (!c) return convertNumber(dialled, []);
  const sets: (readonly ConversionRule[])[] = [];
  if (userId !== null) {
    const own = c.users.get(userId);
    if (own) sets.push(own);
    for (const groupId of org.users.get(userId)?.groupIds ?? []) {
      const rules = c.groups.get(groupId);
      if (rules) sets.push(rules);
    }
  }
  sets.push(c.organization);
  return convertNumber(dialled, sets);
}

/** The live directory: organizations by SIP domain and by id. */
export class SipDirectory {
  private readonly byDomain = new Map<string, SipOrg>();
  private readonly byId = new Map<string, SipOrg>();

  put(org: SipOrg): void {
    const old = this.byId.get(org.id);
    if (old && old.domain !== org.domain) this.byDomain.delete(old.domain);
    this.byDomain.set(org.domain, org);
    this.byId.set(org.id, org);
  }

  remove(orgId: string): void {
    const old = this.byId.get(orgId);
    if (!old) return;
    this.byId.delete(orgId);
    this.byDomain.delete(old.domain);
  }

  byHost(host: string): SipOrg | undefined {
    return this.byDomain.get(host.toLowerCase());
  }

  get(orgId: string): SipOrg | undefined {
    return this.byId.get(orgId);
  }

  all(): IterableIterator<SipOrg> {
    return this.byId.values();
  }
}
