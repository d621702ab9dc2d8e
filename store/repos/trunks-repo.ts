import { sql, type Selectable } from 'kysely';
import type { TrunksTable, TrunkTransport } from '../database.ts';
import type { Executor } from './executor.ts';

/** A carrier trunk. `authPassword` is here for the SIP service; the API presents only whether there is one. */
export interface Trunk {
  id: string;
  orgId: string;
  name: string;
  enabled: boolean;
  outboundHost: string;
  outboundPort: number;
  transport: TrunkTransport;
  register: boolean;
  authUsername: string | null;
  authPassword: string | null;
  fromDomain: string | null;
  /** IPv4/IPv6 addresses or CIDR blocks calls from the carrier arrive from. */
  inboundAddresses: string[];
  /** Lower values are tried first. */
  priority: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface TrunkInput {
  name: string;
  enabled?: boolean | undefined;
  outboundHost: string;
  outboundPort?: number | undefined;
  transport?: TrunkTransport | undefined;
  register?: boolean | undefined;
  authUsername?: string | null | undefined;
  authPassword?: string | null | undefined;
  fromDomain?: string | null | undefined;
  inboundAddresses?: string[] | undefined;
  priority?: number | undefined;
}

function toTrunk(r: Selectable<TrunksTable>): Trunk {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    enabled: r.enabled,
    outboundHost: r.outbound_host,
    outboundPort: r.outbound_port,
    transport: r.transport,
    register: r.register,
    authUsername: r.auth_username,
    authPassword: r.auth_password,
    fromDomain: r.from_domain,
    inboundAddresses: r.inbound_addresses,
    priority: r.priority,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toColumns(input: Partial<TrunkInput>) {
  return {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.enabled !== undefined && { enabled: input.enabled }),
    ...(input.outboundHost !== undefined && { outbound_host: input.outboundHost }),
    ...(input.outboundPort !== undefined && { outbound_port: input.outboundPort }),
    ...(input.transport !== undefined && { transport: input.transport }),
    ...(input.register !== undefined && { register: input.register }),
    ...(input.authUsername !== undefined && { auth_username: input.authUsername }),
    ...(input.authPassword !== undefined && { auth_password: input.authPassword }),
    ...(input.fromDomain !== undefined && { from_domain: input.fromDomain }),
    ...(input.inboundAddresses !== undefined && { inbound_addresses: JSON.stringify(input.inboundAddresses) }),
    ...(input.priority !== undefined && { priority: input.priority }),
  };
}

/** Carrier trunks of one organization. */
export function trunksRepo(db: Executor) {
  return {
    /** Every trunk, enabled or not, lowest priority value first. */
    async list(orgId: string): Promise<Trunk[]> {
      const rows = await db.selectFrom('trunks').selectAll().where('org_id', '=', orgId).orderBy('priority').orderBy('name').execute();
      return rows.map(toTrunk);
    },
    async get(orgId: string, id: string): Promise<Trunk | undefined> {
      const row = await db.selectFrom('trunks').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return row && toTrunk(row);
    },
    async create(orgId: string, input: TrunkInput): Promise<Trunk> {
      const row = await db
        .insertInto('trunks')
        .values({
          org_id: orgId,
          ...toColumns(input),
          name: input.name,
          outbound_host: input.outboundHost,
          inbound_addresses: JSON.stringify(input.inboundAddresses ?? []),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toTrunk(row);
    },
    async update(orgId: string, id: string, patch: Partial<TrunkInput>): Promise<Trunk | undefined> {
      const row = await db
        .updateTable('trunks')
        .set({ ...toColumns(patch), updated_at: sql`now()` })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toTrunk(row);
    },
    async remove(orgId: string, id: string): Promise<boolean> {
      const res = await db.deleteFrom('trunks').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
