import { sql } from 'kysely';
import type { NumberRange } from '../database.ts';
import { sortColumn, type Executor, type ListQuery, type Page, pageOf } from './executor.ts';

export interface NumberRangeInput {
  kind: 'public' | 'internal';
  start: string;
  end: string;
  dialFromIvr?: boolean | undefined;
  description?: string | undefined;
}

export interface NumberAssignment {
  number: string;
  ownerKind: string;
  ownerId: string;
}

const SORTS = { start: 'start_number', kind: 'kind', created_at: 'created_at' } as const;

/** Number ranges and the per-organization reservation of every number in use. */
export function numbersRepo(db: Executor) {
  return {
    async listRanges(orgId: string, query: ListQuery): Promise<Page<NumberRange>> {
      let base = db.selectFrom('number_ranges').where('org_id', '=', orgId);
      if (query.q) {
        const q = query.q.replace(/[\s.-]/g, '');
        base = base.where((eb) =>
          eb.or([eb('start_number', 'like', `%${q}%`), eb('end_number', 'like', `%${q}%`), eb(sql`lower(description)`, 'like', `%${q.toLowerCase()}%`)]),
        );
      }
      return pageOf(
        base,
        (qb) =>
          qb
            .selectAll()
            .orderBy(sortColumn(query.sort, SORTS, 'start_number'), query.order ?? 'asc')
            .orderBy('id'),
        query,
      );
    },
    async allRanges(orgId: string): Promise<NumberRange[]> {
      return db.selectFrom('number_ranges').selectAll().where('org_id', '=', orgId).orderBy('start_number').execute();
    },
    async getRange(orgId: string, id: string): Promise<NumberRange | undefined> {
      return db.selectFrom('number_ranges').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    /**
     * Ranges that overlap [start, end]. Public numbers are unique across the installation, so the
     * provider-level check looks at every organization; internal ranges only within `orgId`.
     */
    async findOverlapping(orgId: string, input: { kind: 'public' | 'internal'; start: string; end: string }, excludeId?: string): Promise<NumberRange[]> {
      let q = db
        .selectFrom('number_ranges')
        .selectAll()
        .where('kind', '=', input.kind)
        .where(sql`length(start_number)`, '=', input.start.length)
        .where(sql`start_number collate "C"`, '<=', input.end)
        .where(sql`end_number collate "C"`, '>=', input.start);
      if (input.kind === 'internal') q = q.where('org_id', '=', orgId);
      if (excludeId) q = q.where('id', '!=', excludeId);
      return q.execute();
    },
    async createRange(orgId: string, input: NumberRangeInput): Promise<NumberRange> {
      return db
        .insertInto('number_ranges')
        .values({
          org_id: orgId,
          kind: input.kind,
          start_number: input.start,
          end_number: input.end,
          dial_from_ivr: input.dialFromIvr ?? false,
          description: input.description ?? '',
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async updateRange(orgId: string, id: string, patch: Partial<NumberRangeInput>): Promise<NumberRange | undefined> {
      return db
        .updateTable('number_ranges')
        .set({
          ...(patch.kind !== undefined && { kind: patch.kind }),
          ...(patch.start !== undefined && { start_number: patch.start }),
          ...(patch.end !== undefined && { end_number: patch.end }),
          ...(patch.dialFromIvr !== undefined && { dial_from_ivr: patch.dialFromIvr }),
          ...(patch.description !== undefined && { description: patch.description }),
          updated_at: sql`now()`,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
    async deleteRange(orgId: string, id: string): Promise<boolean> {
      const res = await db.deleteFrom('number_ranges').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    /** Numbers in use inside [start, end] (same length), e.g. to refuse shrinking a range under them. */
    async assignedBetween(orgId: string, start: string, end: string): Promise<NumberAssignment[]> {
      const rows = await db
        .selectFrom('number_assignments')
        .select(['number', 'owner_kind', 'owner_id'])
        .where('org_id', '=', orgId)
        .where(sql`length(number)`, '=', start.length)
        .where(sql`number collate "C"`, '>=', start)
        .where(sql`number collate "C"`, '<=', end)
        .execute();
      return rows.map((r) => ({ number: r.number, ownerKind: r.owner_kind, ownerId: r.owner_id }));
    },
    async usedNumbers(orgId: string): Promise<Set<string>> {
      const rows = await db.selectFrom('number_assignments').select('number').where('org_id', '=', orgId).execute();
      return new Set(rows.map((r) => r.number));
    },
    async findAssignment(orgId: string, number: string): Promise<NumberAssignment | undefined> {
      const r = await db.selectFrom('number_assignments').selectAll().where('org_id', '=', orgId).where('number', '=', number).executeTakeFirst();
      return r && { number: r.number, ownerKind: r.owner_kind, ownerId: r.owner_id };
    },
    async assign(orgId: string, a: NumberAssignment): Promise<void> {
      await db.insertInto('number_assignments').values({ org_id: orgId, number: a.number, owner_kind: a.ownerKind, owner_id: a.ownerId }).execute();
    },
    async releaseOwner(orgId: string, ownerKind: string, ownerId: string): Promise<void> {
      await db.deleteFrom('number_assignments').where('org_id', '=', orgId).where('owner_kind', '=', ownerKind).where('owner_id', '=', ownerId).execute();
    },
  };
}
