import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { migrationProvider } from './migrations/index.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { templateFor } from './pglite-template.ts';

export type StoreEngine = 'pglite' | 'postgres';

export interface StoreConnection {
  readonly engine: StoreEngine;
  readonly db: Kysely<Database>;
  close(): Promise<void>;
}

export type ConnectOptions =
  { engine: 'postgres'; databaseUrl: string; poolSize?: number } | { engine: 'pglite'; dataDir: string | null /* null = in memory */; pglite?: PGlite };

// PostgreSQL returns bigint as text and PGlite as a JS number; we never store bigints that need
// more than 2^53, so read both as numbers and keep the engines interchangeable.
pg.types.setTypeParser(20, (v) => Number(v));

/** Opens the configuration store on PGlite (embedded) or a PostgreSQL server. */
export async function connectStore(options: ConnectOptions): Promise<StoreConnection> {
  if (options.engine === 'postgres') {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { engine: 'postgres', db, close: () => db.destroy() };
  }
  let pglite = options.pglite;
  if (!pglite) {
    if (options.dataDir) {
      const loadDataDir = templateFor(options.dataDir);
      mkdirSync(options.dataDir, { recursive: true });
      pglite = loadDataDir ? new PGlite(options.dataDir, { loadDataDir }) : new PGlite(options.dataDir);
    } else {
      const loadDataDir = templateFor(null);
      pglite = loadDataDir ? new PGlite({ loadDataDir }) : new PGlite();
    }
  }
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { engine: 'pglite', db, close: () => db.destroy() };
}

/** Applies every pending migration; returns the names applied. Throws if one fails. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableName: 'vaxel_migrations', migrationLockTableName: 'vaxel_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
