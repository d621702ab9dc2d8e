import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { ConversionRule } from '../../core/numbers/conversion.ts';
import type { Executor } from './executor.ts';
import { sipHa1 } from './sip-ha1.ts';
import type { Trunk } from './trunks-repo.ts';

export interface SipOrgSnapshot {
  org: { id: string; name: string; sipDomain: string; timeZone: string; maxOutboundCalls: number; switchboardNumber: string | null };
  /** Devices with SIP credentials (username and both digests), enabled or not. */
  devices: Array<{ id: string; userId: string | null; kind: string; enabled: boolean; sipUsername: string; ha1Md5: string; ha1Sha256: string }>;
  users: Array<{
    id: string;
    displayName: string;
    callerId: string | null;
    lines: Array<{ slot: 'primary' | 'secondary'; number: string; aliasExtension: string | null }>;
    /** The user's groups, best priority first (priority, then name, then id, as settings resolve). */
    groupIds: string[];
  }>;
  numberRanges: Array<{ kind: 'public' | 'internal'; start: string; end: string }>;
  /** Enabled trunks, lowest priority value first, with their passwords. */
  trunks: Trunk[];
  /** Number conversion rules of each target that has any, each list in the order it is tried. */
  conversionRules: Array<{ level: 'organization' | 'group' | 'user'; targetId: string; rules: ConversionRule[] }>;
}

/** loadOrg's answer for an organization that does not exist (it was deleted): forget it. */
export class OrganizationNotFoundError extends Error {
  constructor(readonly orgId: string) {
    super(`organization ${orgId} does not exist`);
  }
}

type TrunkJson = Omit<Trunk, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

/** What the SIP service reads: one organization's accounts, numbers and trunks, and the list of domains. */
export function sipAccountsRepo(db: Executor) {
  return {
    /**
     * Everything the registrar and the B2BUA need of one organization, read in one statement so the
     * parts are consistent with each other. Throws OrganizationNotFoundError when it is gone.
     */
    async loadOrg(orgId: string): Promise<SipOrgSnapshot> {
      const row = await db
        .selectFrom('organizations as o')
        .where('o.id', '=', orgId)
        .select((eb) => [
          'o.id',
          'o.name',
          'o.sip_domain',
          'o.time_zone',
          'o.max_outbound_calls',
          'o.switchboard_number',
          jsonArrayFrom(
            eb
              .selectFrom('devices as d')
              .whereRef('d.org_id', '=', 'o.id')
              .where('d.sip_username', 'is not', null)
              .where('d.sip_ha1_md5', 'is not', null)
              .select([
                'd.id',
                'd.user_id as userId',
                'd.kind',
                'd.enabled',
                sql<string>`d.sip_username`.as('sipUsername'),
                sql<string>`d.sip_ha1_md5`.as('ha1Md5'),
                sql<string>`d.sip_ha1_sha256`.as('ha1Sha256'),
              ])
              .orderBy('d.sip_username'),
          ).as('devices'),
          jsonArrayFrom(
            eb
              .selectFrom('users as u')
              .whereRef('u.org_id', '=', 'o.id')
              .select((ub) => [
                'u.id',
                // A user without a name is still shown as something: their username.
                sql<string>`coalesce(nullif(trim(u.first_name || ' ' || u.last_name), ''), u.username)`.as('displayName'),
                'u.caller_id as callerId',
                jsonArrayFrom(
                  ub
                    .selectFrom('lines as l')
                    .whereRef('l.org_id', '=', 'o.id')
                    .whereRef('l.user_id', '=', 'u.id')
                    .select(['l.slot', 'l.number', 'l.alias_extension as aliasExtension'])
                    .orderBy('l.slot'),
                ).as('lines'),
                // Names in code-unit order ("C"), like core's compareGroupPrecedence, whatever the database's collation.
                sql<string[]>`coalesce((
                  select jsonb_agg(g.id order by g.priority, g.name collate "C", g.id)
                  from group_members m join user_groups g on g.org_id = m.org_id and g.id = m.group_id
                  where m.org_id = o.id and m.user_id = u.id), '[]'::jsonb)`.as('groupIds'),
              ])
              .orderBy('u.id'),
          ).as('users'),
          jsonArrayFrom(
            eb
              .selectFrom('number_ranges as r')
              .whereRef('r.org_id', '=', 'o.id')
              .select(['r.kind', 'r.start_number as start', 'r.end_number as end'])
              .orderBy('r.start_number'),
          ).as('numberRanges'),
          jsonArrayFrom(
            eb
              .selectFrom('trunks as t')
              .whereRef('t.org_id', '=', 'o.id')
              .where('t.enabled', '=', true)
              .select([
                't.id',
                't.org_id as orgId',
                't.name',
                't.enabled',
                't.outbound_host as outboundHost',
                't.outbound_port as outboundPort',
                't.transport',
                't.register',
                't.auth_username as authUsername',
                't.auth_password as authPassword',
                't.from_domain as fromDomain',
                sql<string[]>`t.inbound_addresses`.as('inboundAddresses'),
                't.priority',
                't.created_at as createdAt',
                't.updated_at as updatedAt',
              ])
              .orderBy('t.priority')
              .orderBy('t.name'),
          ).as('trunks'),
          sql<SipOrgSnapshot['conversionRules']>`coalesce((
            select jsonb_agg(jsonb_build_object('level', c.level, 'targetId', c.target_id, 'rules', c.rules) order by c.level, c.target_id)
            from (
              select level, target_id,
                jsonb_agg(jsonb_build_object('prefix', prefix, 'digits', digits, 'ranges', ranges, 'rewrite', rewrite) order by position) as rules
              from number_conversion_rules where org_id = o.id group by level, target_id
            ) c), '[]'::jsonb)`.as('conversionRules'),
        ])
        .executeTakeFirst();
      if (!row) throw new OrganizationNotFoundError(orgId);
      return {
        org: {
          id: row.id,
          name: row.name,
          sipDomain: row.sip_domain,
          timeZone: row.time_zone,
          maxOutboundCalls: row.max_outbound_calls,
          switchboardNumber: row.switchboard_number,
        },
        devices: row.devices,
        users: row.users,
        numberRanges: row.numberRanges,
        // JSON carries timestamps as text.
        trunks: (row.trunks as unknown as TrunkJson[]).map((t) => ({ ...t, createdAt: new Date(t.createdAt), updatedAt: new Date(t.updatedAt) })),
        conversionRules: row.conversionRules,
      };
    },

    /**
     * Every organization's id and SIP domain: the SIP service's tenant index, read once at start to
     * know which domains it serves. It takes no organization id because it is the list of them; it
     * reads nothing else of any organization.
     */
    async listOrgIdsAndDomains(): Promise<Array<{ id: string; sipDomain: string }>> {
      return db.selectFrom('organizations').select(['id', 'sip_domain as sipDomain']).orderBy('sip_domain').execute();
    },

    /**
     * Sets a device's SIP username and password, stored as digests with the organization's domain as
     * realm. The username is lower-cased first, as the API does: SIP usernames are lower case.
     */
    async setDeviceCredentials(orgId: string, deviceId: string, rawUsername: string, password: string): Promise<void> {
      const username = rawUsername.toLowerCase();
      const org = await db.selectFrom('organizations').select('sip_domain').where('id', '=', orgId).forShare().executeTakeFirst();
      if (!org) throw new OrganizationNotFoundError(orgId);
      const h = sipHa1(username, org.sip_domain, password);
      const res = await db
        .updateTable('devices')
        .set({ sip_username: username, sip_ha1_md5: h.md5, sip_ha1_sha256: h.sha256, updated_at: sql`now()` })
        .where('org_id', '=', orgId)
        .where('id', '=', deviceId)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new Error(`device ${deviceId} not found in organization ${orgId}`);
    },
  };
}
