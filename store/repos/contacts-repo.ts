import { sql } from 'kysely';
import type { ContactNumber, ContactRow, SettingLevelColumn } from '../database.ts';
import { likePattern, sortColumn, type Executor, type ListQuery, type Page, pageOf } from './executor.ts';

export interface ContactInput {
  kind: 'internal' | 'external';
  mandatory?: boolean | undefined;
  contactUserId?: string | null | undefined;
  company?: string | undefined;
  department?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  shortName?: string | undefined;
  address?: string | undefined;
  email?: string | undefined;
  speedDial?: string | null | undefined;
  type?: ContactRow['type'] | undefined;
  numbers?: ContactNumber[] | undefined;
}

export interface ContactOwner {
  level: SettingLevelColumn;
  id: string;
}

export interface ContactListQuery extends ListQuery {
  type?: ContactRow['type'] | undefined;
  kind?: ContactRow['kind'] | undefined;
}

export interface ContactImportInput {
  filename: string;
  delimiter: string;
  rows: string[][];
  createdBy: string;
}

const SORTS = {
  last_name: 'last_name',
  first_name: 'first_name',
  company: 'company',
  short_name: 'short_name',
  type: 'type',
  created_at: 'created_at',
  updated_at: 'updated_at',
} as const;

/** Rows per multi-row insert: 16 columns each stays far below PostgreSQL's 65,535 parameters. */
const INSERT_CHUNK = 500;

function toColumns(input: Partial<ContactInput>) {
  return {
    ...(input.kind !== undefined && { kind: input.kind }),
    ...(input.mandatory !== undefined && { mandatory: input.mandatory }),
    ...(input.contactUserId !== undefined && { contact_user_id: input.contactUserId }),
    ...(input.company !== undefined && { company: input.company }),
    ...(input.department !== undefined && { department: input.department }),
    ...(input.firstName !== undefined && { first_name: input.firstName }),
    ...(input.lastName !== undefined && { last_name: input.lastName }),
    ...(input.shortName !== undefined && { short_name: input.shortName }),
    ...(input.address !== undefined && { address: input.address }),
    ...(input.email !== undefined && { email: input.email }),
    ...(input.speedDial !== undefined && { speed_dial: input.speedDial }),
    ...(input.type !== undefined && { type: input.type }),
    ...(input.numbers !== undefined && { numbers: JSON.stringify(input.numbers) }),
  };
}

function newRow(orgId: string, owner: ContactOwner, input: ContactInput) {
  return {
    org_id: orgId,
    owner_level: owner.level,
    owner_id: owner.id,
    kind: input.kind,
    mandatory: input.mandatory ?? false,
    contact_user_id: input.contactUserId ?? null,
    company: input.company ?? '',
    department: input.department ?? '',
    first_name: input.firstName ?? '',
    last_name: input.lastName ?? '',
    short_name: input.shortName ?? '',
    address: input.address ?? '',
    email: input.email ?? '',
    speed_dial: input.speedDial ?? null,
    type: input.type ?? ('contact' as const),
    numbers: JSON.stringify(input.numbers ?? []),
  };
}

/** Contact lists owned by an organization, a group or a user, and pending CSV imports into them. */
export function contactsRepo(db: Executor) {
  function ofOwners(orgId: string, owners: readonly ContactOwner[]) {
    return db
      .selectFrom('contacts')
      .where('org_id', '=', orgId)
      .where((eb) => eb.or(owners.map((o) => eb.and([eb('owner_level', '=', o.level), eb('owner_id', '=', o.id)]))));
  }

  return {
    /** Lists contacts of the given owners; several owners give the inherited (effective) list. */
    async list(orgId: string, owners: readonly ContactOwner[], query: ContactListQuery): Promise<Page<ContactRow>> {
      if (owners.length === 0) return { items: [], total: 0 };
      let base = ofOwners(orgId, owners);
      if (query.type) base = base.where('type', '=', query.type);
      if (query.kind) base = base.where('kind', '=', query.kind);
      if (query.q) {
        const p = likePattern(query.q);
        // Search the number values, not the JSON text (whose keys "number", "type", "work" would match everything).
        base = base.where(
          sql<boolean>`lower(first_name || ' ' || last_name || ' ' || company || ' ' || department || ' ' || short_name || ' ' || email || ' ' || address || ' ' || coalesce(speed_dial, '') || ' ' || coalesce((select string_agg(coalesce(n->>'number', '') || ' ' || coalesce(n->>'shortNumber', ''), ' ') from jsonb_array_elements(numbers) as n), '')) like ${p}`,
        );
      }
      return pageOf(
        base,
        (qb) =>
          qb
            .selectAll()
            .orderBy(sortColumn(query.sort, SORTS, 'last_name'), query.order ?? 'asc')
            .orderBy('first_name')
            .orderBy('id'),
        query,
      );
    },
    async get(orgId: string, id: string): Promise<ContactRow | undefined> {
      return db.selectFrom('contacts').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    /** The owner's internal contact pointing at a user, if there is one. */
    async findInternal(orgId: string, owner: ContactOwner, contactUserId: string): Promise<ContactRow | undefined> {
      return ofOwners(orgId, [owner]).selectAll().where('kind', '=', 'internal').where('contact_user_id', '=', contactUserId).executeTakeFirst();
    },
    /** The owner's contact holding a speed-dial code, if any. */
    async findBySpeedDial(orgId: string, owner: ContactOwner, speedDial: string): Promise<ContactRow | undefined> {
      return ofOwners(orgId, [owner]).selectAll().where('speed_dial', '=', speedDial).executeTakeFirst();
    },
    /** Every speed-dial code the owner already uses. */
    async speedDials(orgId: string, owner: ContactOwner): Promise<string[]> {
      const rows = await ofOwners(orgId, [owner]).select('speed_dial').where('speed_dial', 'is not', null).execute();
      return rows.map((r) => r.speed_dial).filter((s): s is string => s !== null);
    },
    /** The numbers of blocked contacts among the owners: calls from them must not reach the user. */
    async blockedNumbers(orgId: string, owners: readonly ContactOwner[]): Promise<string[]> {
      if (owners.length === 0) return [];
      const rows = await ofOwners(orgId, owners).select('numbers').where('type', '=', 'blocked').execute();
      return [...new Set(rows.flatMap((r) => r.numbers.map((n) => n.number)))];
    },
    async create(orgId: string, owner: ContactOwner, input: ContactInput): Promise<ContactRow> {
      return db
        .insertInto('contacts')
        .values(newRow(orgId, owner, input))
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /** Inserts many contacts for one owner (a CSV import); returns how many were written. */
    async createMany(orgId: string, owner: ContactOwner, inputs: readonly ContactInput[]): Promise<number> {
      let n = 0;
      for (let i = 0; i < inputs.length; i += INSERT_CHUNK) {
        const chunk = inputs.slice(i, i + INSERT_CHUNK);
        const res = await db
          .insertInto('contacts')
          .values(chunk.map((c) => newRow(orgId, owner, c)))
          .executeTakeFirst();
        n += Number(res.numInsertedOrUpdatedRows ?? chunk.length);
      }
      return n;
    },
    async update(orgId: string, id: string, patch: Partial<ContactInput>): Promise<ContactRow | undefined> {
      return db
        .updateTable('contacts')
        .set({ ...toColumns(patch), updated_at: sql`now()` })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
    async delete(orgId: string, id: string): Promise<boolean> {
      const res = await db.deleteFrom('contacts').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    /** Removes an owner's whole list (when the user or group itself goes). */
    async deleteForOwner(orgId: string, owner: ContactOwner): Promise<number> {
      const res = await db
        .deleteFrom('contacts')
        .where('org_id', '=', orgId)
        .where('owner_level', '=', owner.level)
        .where('owner_id', '=', owner.id)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    async saveImport(orgId: string, owner: ContactOwner, imp: ContactImportInput) {
      return db
        .insertInto('contact_imports')
        .values({
          org_id: orgId,
          owner_level: owner.level,
          owner_id: owner.id,
          filename: imp.filename,
          delimiter: imp.delimiter,
          rows: JSON.stringify(imp.rows),
          created_by: imp.createdBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async getImport(orgId: string, id: string) {
      return db.selectFrom('contact_imports').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    /** Deletes a pending import; false when it was already gone (committed or discarded). */
    async deleteImport(orgId: string, id: string): Promise<boolean> {
      const res = await db.deleteFrom('contact_imports').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    /** Drops imports that were uploaded but never committed, older than `maxAgeSeconds` by the database clock. */
    async pruneImports(orgId: string, maxAgeSeconds: number): Promise<number> {
      const res = await db
        .deleteFrom('contact_imports')
        .where('org_id', '=', orgId)
        .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${maxAgeSeconds})`)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export type ContactsRepo = ReturnType<typeof contactsRepo>;
