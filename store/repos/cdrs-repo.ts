import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { CdrCause, CdrDirection, CdrHangupBy, CdrsTable } from '../database.ts';
import type { Executor, Page } from './executor.ts';

/** A call detail record as the B2BUA writes it when a call ends. */
export interface CdrInsert {
  /** Generated when absent. */
  id?: string | undefined;
  orgId: string;
  /** Our B2BUA's call id. */
  callId: string;
  direction: CdrDirection;
  fromNumber: string;
  fromUserId: string | null;
  /** What was dialled. */
  toNumber: string;
  toUserId: string | null;
  trunkId: string | null;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  cause: CdrCause;
  sipStatus: number | null;
  hangupBy: CdrHangupBy | null;
}

export interface Cdr extends CdrInsert {
  id: string;
}

export interface CdrListQuery {
  /** started_at ≥ from */
  from?: Date | undefined;
  /** started_at < to */
  to?: Date | undefined;
  limit: number;
  offset: number;
  direction?: CdrDirection | undefined;
  /** Calls the user made or received. */
  userId?: string | undefined;
}

/** Rows per statement, each batch one JSON parameter. */
const BATCH = 500;

function toCdr(r: Selectable<CdrsTable>): Cdr {
  return {
    id: r.id,
    orgId: r.org_id,
    callId: r.call_id,
    direction: r.direction,
    fromNumber: r.from_number,
    fromUserId: r.from_user_id,
    toNumber: r.to_number,
    toUserId: r.to_user_id,
    trunkId: r.trunk_id,
    startedAt: r.started_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    cause: r.cause,
    sipStatus: r.sip_status,
    hangupBy: r.hangup_by,
  };
}

/** Call detail records: appended in batches by the B2BUA (rows of many organizations), read per organization. */
export function cdrsRepo(db: Executor) {
  return {
    /** Appends records; a record of an organization deleted since the call is dropped, not an error for the batch. */
    async insertMany(rows: readonly CdrInsert[]): Promise<void> {
      for (let i = 0; i < rows.length; i += BATCH) {
        const json = JSON.stringify(
          rows.slice(i, i + BATCH).map((r) => ({
            // Made here: gen_random_uuid() per row is a third of PGlite's cost for the batch.
            id: r.id ?? randomUUID(),
            org_id: r.orgId,
            call_id: r.callId,
            direction: r.direction,
            from_number: r.fromNumber,
            from_user_id: r.fromUserId,
            to_number: r.toNumber,
            to_user_id: r.toUserId,
            trunk_id: r.trunkId,
            started_at: r.startedAt.toISOString(),
            answered_at: r.answeredAt?.toISOString() ?? null,
            ended_at: r.endedAt.toISOString(),
            cause: r.cause,
            sip_status: r.sipStatus,
            hangup_by: r.hangupBy,
          })),
        );
        await sql`
          insert into cdrs (id, org_id, call_id, direction, from_number, from_user_id, to_number, to_user_id, trunk_id,
            started_at, answered_at, ended_at, cause, sip_status, hangup_by)
          select v.id, v.org_id, v.call_id, v.direction, v.from_number, v.from_user_id, v.to_number, v.to_user_id, v.trunk_id,
            v.started_at, v.answered_at, v.ended_at, v.cause, v.sip_status, v.hangup_by
          from jsonb_to_recordset(${json}::jsonb) as v(id uuid, org_id uuid, call_id text, direction text, from_number text, from_user_id uuid,
            to_number text, to_user_id uuid, trunk_id uuid, started_at timestamptz, answered_at timestamptz, ended_at timestamptz, cause text,
            sip_status integer, hangup_by text)
          where exists (select 1 from organizations o where o.id = v.org_id)`.execute(db);
      }
    },

    /** One organization's calls, newest first, and how many match the filter. */
    async list(orgId: string, query: CdrListQuery): Promise<Page<Cdr>> {
      let base = db.selectFrom('cdrs').where('org_id', '=', orgId);
      if (query.from) base = base.where('started_at', '>=', query.from);
      if (query.to) base = base.where('started_at', '<', query.to);
      if (query.direction) base = base.where('direction', '=', query.direction);
      if (query.userId) {
        const userId = query.userId;
        base = base.where((eb) => eb.or([eb('from_user_id', '=', userId), eb('to_user_id', '=', userId)]));
      }
      const [rows, total] = await Promise.all([
        base.selectAll().orderBy('started_at', 'desc').orderBy('id').limit(query.limit).offset(query.offset).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toCdr), total: Number(total.n) };
    },
  };
}
