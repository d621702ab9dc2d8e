import { sql } from 'kysely';
import type { DeviceKind, DeviceRow } from '../database.ts';
import { sipHa1 } from './sip-ha1.ts';
import { likePattern, sortColumn, type Executor, type ListQuery, type Page, pageOf } from './executor.ts';

export interface DeviceInput {
  kind: DeviceKind;
  userId?: string | null | undefined;
  enabled?: boolean | undefined;
  number?: string | null | undefined;
  mobileClientLicense?: boolean | undefined;
  mobileProfile?: string | null | undefined;
  mobileVoipAllowed?: boolean | undefined;
  mac?: string | null | undefined;
  model?: string | null | undefined;
  firmware?: string | null | undefined;
  description?: string | undefined;
  hotDesk?: boolean | undefined;
  sipUsername?: string | null | undefined;
  /** Not stored: turned into the HA1 digests with the username and the organization's SIP domain. Null removes them. */
  sipPassword?: string | null | undefined;
  shownAs?: 'analog' | 'desk_phone' | null | undefined;
}

export interface DeviceListQuery extends ListQuery {
  kind?: DeviceKind | undefined;
  userId?: string | undefined;
  /** Restricts to devices of members of any of these groups (a group admin's scope); unassigned devices drop out. */
  withinGroups?: readonly string[] | undefined;
}

const SORTS = { kind: 'kind', mac: 'mac', model: 'model', description: 'description', created_at: 'created_at', updated_at: 'updated_at' } as const;

function toColumns(input: Partial<DeviceInput>) {
  return {
    ...(input.kind !== undefined && { kind: input.kind }),
    ...(input.userId !== undefined && { user_id: input.userId }),
    ...(input.enabled !== undefined && { enabled: input.enabled }),
    ...(input.number !== undefined && { number: input.number }),
    ...(input.mobileClientLicense !== undefined && { mobile_client_license: input.mobileClientLicense }),
    ...(input.mobileProfile !== undefined && { mobile_profile: input.mobileProfile }),
    ...(input.mobileVoipAllowed !== undefined && { mobile_voip_allowed: input.mobileVoipAllowed }),
    ...(input.mac !== undefined && { mac: input.mac }),
    ...(input.model !== undefined && { model: input.model }),
    ...(input.firmware !== undefined && { firmware: input.firmware }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.hotDesk !== undefined && { hot_desk: input.hotDesk }),
    ...(input.sipUsername !== undefined && { sip_username: input.sipUsername }),
    ...(input.shownAs !== undefined && { shown_as: input.shownAs }),
  };
}

/** Device records of one organization: softphones, mobiles, desk phones and third-party SIP accounts. */
export function devicesRepo(db: Executor) {
  /**
   * The organization's SIP domain (the digest realm), read with a share lock: a concurrent change of
   * the domain waits for this transaction, and this one for it, so no digest is made with a stale realm.
   */
  async function realmOf(orgId: string): Promise<string> {
    const org = await db.selectFrom('organizations').select('sip_domain').where('id', '=', orgId).forShare().executeTakeFirst();
    if (!org) throw new Error(`organization ${orgId} does not exist`);
    return org.sip_domain;
  }

  async function digests(orgId: string, username: string | null | undefined, password: string): Promise<{ sip_ha1_md5: string; sip_ha1_sha256: string }> {
    if (!username) throw new Error('a SIP password needs a SIP username');
    const h = sipHa1(username, await realmOf(orgId), password);
    return { sip_ha1_md5: h.md5, sip_ha1_sha256: h.sha256 };
  }

  return {
    async list(orgId: string, query: DeviceListQuery): Promise<Page<DeviceRow>> {
      let base = db.selectFrom('devices').where('org_id', '=', orgId);
      if (query.kind) base = base.where('kind', '=', query.kind);
      if (query.userId) base = base.where('user_id', '=', query.userId);
      if (query.withinGroups) {
        const gids = query.withinGroups;
        if (gids.length === 0) return { items: [], total: 0 };
        base = base.where('user_id', 'in', (eb) => eb.selectFrom('group_members').select('user_id').where('org_id', '=', orgId).where('group_id', 'in', gids));
      }
      if (query.q) {
        const p = likePattern(query.q);
        // MACs and numbers are stored without separators: "00:04:13" and "+45 20 12" find them too.
        const bare = query.q.replace(/[\s:.-]/g, '');
        const bareP = likePattern(bare.length > 0 ? bare : query.q);
        base = base.where((eb) =>
          eb.or([
            eb(sql`lower(coalesce(mac, ''))`, 'like', bareP),
            eb(sql`lower(coalesce(model, ''))`, 'like', p),
            eb(sql`lower(description)`, 'like', p),
            eb(sql`lower(coalesce(number, ''))`, 'like', bareP),
            eb(sql`lower(coalesce(sip_username, ''))`, 'like', p),
            eb(sql`lower(coalesce(last_seen_ip, ''))`, 'like', p),
          ]),
        );
      }
      return pageOf(
        base,
        (qb) =>
          qb
            .selectAll()
            .orderBy(sortColumn(query.sort, SORTS, 'created_at'), query.order ?? 'asc')
            .orderBy('id'),
        query,
      );
    },
    async get(orgId: string, id: string): Promise<DeviceRow | undefined> {
      return db.selectFrom('devices').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    async getMany(orgId: string, ids: readonly string[]): Promise<DeviceRow[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('devices').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).execute();
    },
    async ofUser(orgId: string, userId: string): Promise<DeviceRow[]> {
      return db.selectFrom('devices').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId).orderBy('kind').orderBy('created_at').execute();
    },
    /** Mobile phones of the organization with this number (normalised), for the duplicate check. */
    async findMobileByNumber(orgId: string, number: string): Promise<DeviceRow | undefined> {
      return db
        .selectFrom('devices')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('kind', '=', 'mobile')
        .where('number', '=', number)
        .orderBy('created_at')
        .executeTakeFirst();
    },
    async create(orgId: string, input: DeviceInput): Promise<DeviceRow> {
      const ha1 = input.sipPassword ? await digests(orgId, input.sipUsername, input.sipPassword) : { sip_ha1_md5: null, sip_ha1_sha256: null };
      return db
        .insertInto('devices')
        .values({
          org_id: orgId,
          kind: input.kind,
          user_id: input.userId ?? null,
          enabled: input.enabled ?? true,
          number: input.number ?? null,
          mobile_client_license: input.mobileClientLicense ?? false,
          mobile_profile: input.mobileProfile ?? null,
          mobile_voip_allowed: input.mobileVoipAllowed ?? false,
          invitation_state: 'not_invited',
          mac: input.mac ?? null,
          model: input.model ?? null,
          firmware: input.firmware ?? null,
          description: input.description ?? '',
          hot_desk: input.hotDesk ?? false,
          sip_username: input.sipUsername ?? null,
          ...ha1,
          shown_as: input.shownAs ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /**
     * A new password makes new digests; a new username without one drops the old digests, which
     * were made with the old username and would never match again.
     */
    async update(orgId: string, id: string, patch: Partial<DeviceInput>): Promise<DeviceRow | undefined> {
      let ha1: { sip_ha1_md5: string | null; sip_ha1_sha256: string | null } | undefined;
      if (patch.sipUsername !== undefined || patch.sipPassword !== undefined) {
        const current = await db.selectFrom('devices').select('sip_username').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
        if (!current) return undefined;
        const username = patch.sipUsername !== undefined ? patch.sipUsername : current.sip_username;
        if (patch.sipPassword) ha1 = await digests(orgId, username, patch.sipPassword);
        else if (patch.sipPassword === null || username !== current.sip_username) ha1 = { sip_ha1_md5: null, sip_ha1_sha256: null };
      }
      return db
        .updateTable('devices')
        .set({ ...toColumns(patch), ...ha1, updated_at: sql`now()` })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
    async markInvited(orgId: string, ids: readonly string[], at: Date): Promise<number> {
      if (ids.length === 0) return 0;
      const res = await db
        .updateTable('devices')
        .set({ invitation_state: 'invited', invited_at: at, updated_at: sql`now()` })
        .where('org_id', '=', orgId)
        .where('kind', '=', 'mobile')
        .where('id', 'in', ids)
        .where('invitation_state', '!=', 'in_use')
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
    /** How many devices have SIP digests, which bind the organization's SIP domain. */
    async countWithSipCredentials(orgId: string): Promise<number> {
      const row = await db
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('sip_ha1_md5', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async delete(orgId: string, id: string): Promise<boolean> {
      const res = await db.deleteFrom('devices').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
