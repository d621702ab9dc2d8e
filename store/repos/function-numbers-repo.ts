import type { Selectable } from 'kysely';
import type { FunctionNumberKind, FunctionNumbersTable, SchedulesTable } from '../database.ts';
import type { Executor } from './executor.ts';

export type FunctionNumberRow = Selectable<FunctionNumbersTable>;
export type ScheduleRow = Selectable<SchedulesTable>;

/** Function numbers and schedules of one organization, stored as configuration records. */
export function functionNumbersRepo(db: Executor) {
  return {
    async list(orgId: string, kind?: FunctionNumberKind): Promise<FunctionNumberRow[]> {
      let q = db.selectFrom('function_numbers').selectAll().where('org_id', '=', orgId);
      if (kind) q = q.where('kind', '=', kind);
      return q.orderBy('number').execute();
    },
    async get(orgId: string, id: string): Promise<FunctionNumberRow | undefined> {
      return db.selectFrom('function_numbers').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },
    async create(
      orgId: string,
      input: { kind: FunctionNumberKind; number: string; name: string; featureCodeId?: number | null; config: Record<string, unknown> },
    ): Promise<FunctionNumberRow> {
      const row = await db
        .insertInto('function_numbers')
        .values({
          org_id: orgId,
          kind: input.kind,
          number: input.number,
          name: input.name,
          feature_code_id: input.featureCodeId ?? null,
          config: JSON.stringify(input.config),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await db.insertInto('number_assignments').values({ org_id: orgId, number: input.number, owner_kind: 'function_number', owner_id: row.id }).execute();
      return row;
    },
    async listSchedules(orgId: string): Promise<ScheduleRow[]> {
      return db.selectFrom('schedules').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
    },
    async createSchedule(orgId: string, input: { name: string; functionNumberId?: string | null; events: unknown[] }): Promise<ScheduleRow> {
      return db
        .insertInto('schedules')
        .values({ org_id: orgId, name: input.name, function_number_id: input.functionNumberId ?? null, events: JSON.stringify(input.events) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}
