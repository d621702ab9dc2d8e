import { sql, type Selectable } from 'kysely';
import type { SipRegistrationsTable } from '../database.ts';
import type { Executor } from './executor.ts';

/** One binding of the location service: a device's Contact, as the registrar accepted it. */
export interface RegistrationRow {
  orgId: string;
  deviceId: string;
  /** sip:user@domain */
  aor: string;
  /** The Contact URI exactly as registered. */
  contact: string;
  /** +sip.instance (RFC 5626), if the device sent one. */
  instanceId: string | null;
  regId: number | null;
  callId: string;
  cseq: number;
  q: number | null;
  expiresAt: Date;
  /** Where the REGISTER came from: transport (udp, tcp, tls, ws, wss), address and port. */
  receivedTransport: string;
  receivedAddress: string;
  receivedPort: number;
  userAgent: string;
  /** Path header URIs (RFC 3327), in order. */
  path: string[];
}

export interface StoredRegistration extends RegistrationRow {
  updatedAt: Date;
}

export interface RegistrationKey {
  orgId: string;
  deviceId: string;
  contact: string;
}

/** Rows per statement, to keep each statement (and the lock it holds) short. */
const BATCH = 500;

function toRow(r: Selectable<SipRegistrationsTable>): StoredRegistration {
  return {
    orgId: r.org_id,
    deviceId: r.device_id,
    aor: r.aor,
    contact: r.contact,
    instanceId: r.instance_id,
    regId: r.reg_id,
    callId: r.call_id,
    cseq: Number(r.cseq),
    q: r.q,
    expiresAt: r.expires_at,
    receivedTransport: r.received_transport,
    receivedAddress: r.received_address,
    receivedPort: r.received_port,
    userAgent: r.user_agent,
    path: r.path,
    updatedAt: r.updated_at,
  };
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

const keyOf = (k: RegistrationKey) => `${k.orgId}\u0000${k.deviceId}\u0000${k.contact}`;

/**
 * The registrar's bindings, written behind its in-memory location service so they survive a
 * restart. Writes come in batches across organizations (each row names its own); reads are per
 * organization, except the expiry sweep, which deletes by time alone.
 */
export function registrationsRepo(db: Executor) {
  return {
    /**
     * Inserts or replaces bindings. Rows later in the list win over earlier ones with the same key.
     * A row whose device no longer exists (deleted since it registered) is skipped, so one stale
     * binding does not fail the batch.
     */
    async upsertMany(rows: readonly RegistrationRow[]): Promise<void> {
      // One statement may not touch a row twice (ON CONFLICT DO UPDATE); keep the last of each key.
      const unique = [...new Map(rows.map((r) => [keyOf(r), r])).values()];
      for (const batch of chunks(unique)) {
        const json = JSON.stringify(
          batch.map((r) => ({
            org_id: r.orgId,
            device_id: r.deviceId,
            aor: r.aor,
            contact: r.contact,
            instance_id: r.instanceId,
            reg_id: r.regId,
            call_id: r.callId,
            cseq: r.cseq,
            q: r.q,
            expires_at: r.expiresAt.toISOString(),
            received_transport: r.receivedTransport,
            received_address: r.receivedAddress,
            received_port: r.receivedPort,
            user_agent: r.userAgent,
            path: r.path,
          })),
        );
        // The whole batch travels as one JSON parameter and is filtered against devices in the same statement.
        await sql`
          insert into sip_registrations (org_id, device_id, aor, contact, instance_id, reg_id, call_id, cseq, q, expires_at,
            received_transport, received_address, received_port, user_agent, path, updated_at)
          select v.org_id, v.device_id, v.aor, v.contact, v.instance_id, v.reg_id, v.call_id, v.cseq, v.q, v.expires_at,
            v.received_transport, v.received_address, v.received_port, v.user_agent, coalesce(v.path, '[]'::jsonb), now()
          from jsonb_to_recordset(${json}::jsonb) as v(org_id uuid, device_id uuid, aor text, contact text, instance_id text, reg_id integer,
            call_id text, cseq bigint, q real, expires_at timestamptz, received_transport text, received_address text, received_port integer,
            user_agent text, path jsonb)
          where exists (select 1 from devices d where d.org_id = v.org_id and d.id = v.device_id)
          on conflict (org_id, device_id, contact) do update set
            aor = excluded.aor, instance_id = excluded.instance_id, reg_id = excluded.reg_id, call_id = excluded.call_id,
            cseq = excluded.cseq, q = excluded.q, expires_at = excluded.expires_at, received_transport = excluded.received_transport,
            received_address = excluded.received_address, received_port = excluded.received_port, user_agent = excluded.user_agent,
            path = excluded.path, updated_at = excluded.updated_at`.execute(db);
      }
    },

    /** Removes bindings by key; keys that do not exist are ignored. */
    async deleteMany(keys: readonly RegistrationKey[]): Promise<void> {
      for (const batch of chunks(keys)) {
        await db
          .deleteFrom('sip_registrations')
          .where((eb) =>
            eb(
              eb.refTuple('org_id', 'device_id', 'contact'),
              'in',
              batch.map((k) => eb.tuple(k.orgId, k.deviceId, k.contact)),
            ),
          )
          .execute();
      }
    },

    /** Deletes every binding that expired at or before `now`, in all organizations; answers how many. */
    async deleteExpired(now: Date): Promise<number> {
      const res = await db.deleteFrom('sip_registrations').where('expires_at', '<=', now).executeTakeFirst();
      return Number(res.numDeletedRows);
    },

    /** The organization's bindings still valid at `now` (to rebuild the location service at start). */
    async loadUnexpired(orgId: string, now: Date): Promise<StoredRegistration[]> {
      const rows = await db
        .selectFrom('sip_registrations')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('expires_at', '>', now)
        .orderBy('device_id')
        .orderBy('contact')
        .execute();
      return rows.map(toRow);
    },

    /** The organization's bindings, optionally of one device and only those valid at `now`, for the API and CLI. */
    /** Which of these devices have an unexpired binding now (the phone list's "registered"). */
    async registeredDeviceIds(orgId: string, deviceIds: readonly string[], now: Date): Promise<Set<string>> {
      if (deviceIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('sip_registrations')
        .select('device_id')
        .distinct()
        .where('org_id', '=', orgId)
        .where('device_id', 'in', deviceIds)
        .where('expires_at', '>', now)
        .execute();
      return new Set(rows.map((r) => r.device_id));
    },
    async listForOrg(orgId: string, opts: { deviceId?: string | undefined; now?: Date | undefined } = {}): Promise<StoredRegistration[]> {
      let q = db.selectFrom('sip_registrations').selectAll().where('org_id', '=', orgId);
      if (opts.deviceId) q = q.where('device_id', '=', opts.deviceId);
      if (opts.now) q = q.where('expires_at', '>', opts.now);
      const rows = await q.orderBy('aor').orderBy('contact').execute();
      return rows.map(toRow);
    },
  };
}
