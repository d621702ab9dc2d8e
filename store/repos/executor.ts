import { sql, type SelectQueryBuilder } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../database.ts';

/** A connection or an open transaction: repositories run on either. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface ListQuery {
  limit: number;
  offset: number;
  sort?: string | undefined;
  order?: 'asc' | 'desc' | undefined;
  q?: string | undefined;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** Escapes LIKE wildcards so a user's search text matches literally. */
export function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Maps an API sort name onto a column, falling back to the default when it is unknown. */
export function sortColumn<C extends string>(sort: string | undefined, allowed: Record<string, C>, fallback: C): C {
  return (sort && allowed[sort]) || fallback;
}

/** Postgres unique-violation (23505) and the constraint it names, from pg or PGlite errors. */
export function uniqueViolation(err: unknown): string | null {
  if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505') {
    const e = err as { constraint?: string; detail?: string; message?: string };
    return e.constraint ?? e.detail ?? e.message ?? 'unique';
  }
  return null;
}

/** Postgres foreign-key violation (23503). */
export function foreignKeyViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23503';
}

/**
 * One page of a filtered query and the number of rows the filter matches, in two statements run
 * together. `rows` adds the selection and ordering; limit and offset come from the query.
 */
export async function pageOf<DB, TB extends keyof DB, O>(
  base: SelectQueryBuilder<DB, TB, object>,
  rows: (qb: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, O>,
  query: Pick<ListQuery, 'limit' | 'offset'>,
): Promise<Page<O>> {
  const [items, total] = await Promise.all([
    rows(base).limit(query.limit).offset(query.offset).execute(),
    base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items, total: Number((total as { n: number | string }).n) };
}
