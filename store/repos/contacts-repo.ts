import { sql } from 'kysely';
import type { ContactNumber, ContactRow, SettingLevelColumn } from '../database.ts';
import { likePattern, sortColumn, type Executor, type ListQuery, type Page } from './executor.ts';

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

const SORTS = { last_name: 'last_name', first_name: 'first_name', company: 'company', created_at: 'created_at' } as const;

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

/** Contact lists owned by an organization, a group or a user. */
export function contactsRepo(db: Executor) {
  return {
    /** Lists contacts of the given owners; several owners give the inherited (effective) list. */
    async list(orgId: string, owners: readonly ContactOwner[], query: ListQuery): Promise<Page<ContactRow>> {
      if (owners.length === 0) return { items: [], total: 0 };
      let base = db
        .selectFrom('contacts')
        .where('org_id', '=', orgId)
        .where((eb) => eb.or(owners.map((o) => eb.and([eb('owner_level', '=', o.level), eb('owner_id', '=', o.id)]))));
      if (query.q) {
        const p = likePattern(query.q);
        base = base.where(
          sql<boolean>`lower(first_name || ' ' || last_name || ' ' || company || ' ' || department || ' ' || short_name || ' ' || email || ' ' || numbers::text) like ${p}`,
        );
      }
      const [items, total] = await Promise.all([
        base.selectAll().orderBy(sortColumn(query.sort, SORTS, 'last_name'), query.order ?? 'asc').orderBy('id').limit(query.limit).offset(query.offset).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(total.n) };
    },
    async get(orgId: string, id: string): Promise<ContactRow | undefined> {
      return db.selectFrom('contacts').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    async create(orgId: string, owner: ContactOwner, input: ContactInput): Promise<ContactRow> {
      return db
        .insertInto('contacts')
        .values({
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
          type: input.type ?? 'contact',
          numbers: JSON.stringify(input.numbers ?? []),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async update(orgId: string, id: string, patch: Partial<ContactInput>): Promise<ContactRow | undefined> {
      return db.updateTable('contacts').set({ ...toColumns(patch), updated_at: sql`now()` }).where('org_id', '=', orgId).where('id', '=', id).returningAll().executeTakeFirst();
    },
    async delete(orgId: string, id: string): Promise<boolean> {
      const res = await db.deleteFrom('contacts').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async saveImport(orgId: string, owner: ContactOwner, imp: { filename: string; delimiter: string; rows: string[][]; createdBy: string }) {
      return db
        .insertInto('contact_imports')
        .values({ org_id: orgId, owner_level: owner.level, owner_id: owner.id, filename: imp.filename, delimiter: imp.delimiter, rows: JSON.stringify(imp.rows), created_by: imp.createdBy })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async getImport(orgId: string, id: string) {
      return db.selectFrom('contact_imports').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    async deleteImport(orgId: string, id: string): Promise<void> {
      await db.deleteFrom('contact_imports').where('org_id', '=', orgId).where('id', '=', id).execute();
    },
  };
}
