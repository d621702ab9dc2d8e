import { sql } from 'kysely';
import type { Site } from '../database.ts';
import { likePattern, sortColumn, type Executor, type ListQuery, type Page, pageOf } from './executor.ts';

export interface SiteInput {
  name: string;
  address?: string | undefined;
  timeZone?: string | null | undefined;
}

const SORTS = { name: 'name', created_at: 'created_at' } as const;

/** Sites of one organization. */
export function sitesRepo(db: Executor) {
  return {
    async list(orgId: string, query: ListQuery): Promise<Page<Site>> {
      let base = db.selectFrom('sites').where('org_id', '=', orgId);
      if (query.q) {
        const p = likePattern(query.q);
        base = base.where((eb) => eb.or([eb(sql`lower(name)`, 'like', p), eb(sql`lower(address)`, 'like', p)]));
      }
      return pageOf(
        base,
        (qb) =>
          qb
            .selectAll()
            .orderBy(sortColumn(query.sort, SORTS, 'name'), query.order ?? 'asc')
            .orderBy('id'),
        query,
      );
    },
    async get(orgId: string, id: string): Promise<Site | undefined> {
      return db.selectFrom('sites').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    async create(orgId: string, input: SiteInput): Promise<Site> {
      return db
        .insertInto('sites')
        .values({ org_id: orgId, name: input.name, address: input.address ?? '', time_zone: input.timeZone ?? null })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async update(orgId: string, id: string, patch: Partial<SiteInput>): Promise<Site | undefined> {
      return db
        .updateTable('sites')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.address !== undefined && { address: patch.address }),
          ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
          updated_at: sql`now()`,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
    async delete(orgId: string, id: string): Promise<boolean> {
      const res = await db.deleteFrom('sites').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
