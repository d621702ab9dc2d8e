import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { migrationProvider } from './migrations/index.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { seedDataDirFromTemplate, templateTarball } from './pglite-template.ts';

export type StoreEngine = 'pglite' | 'postgres';

export interface StoreConnection {
  readonly engine: StoreEngine;
  readonly db: Kysely<Database>;
  /**
   * Calls `onMessage` for every NOTIFY on `channel` after commit, and `onGap` when notifications
   * may have been missed (a lost listener connection): the caller must then forget what it cached.
   */
  listen: (channel: string, onMessage: (payload: string) => void, onGap: () => void) => Promise<void>;
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
    // An idle connection the server drops (restart, failover, a dropped database) must not take the
    // process down: pg discards that client and the next query opens a new one.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const listener = postgresListener(options.databaseUrl);
    return {
      engine: 'postgres',
      db,
      listen: listener.listen,
      close: async () => {
        await listener.close();
        await db.destroy();
      },
    };
  }
  let pglite = options.pglite;
  if (!pglite) {
    if (options.dataDir) {
      seedDataDirFromTemplate(options.dataDir);
      mkdirSync(options.dataDir, { recursive: true });
      pglite = new PGlite(options.dataDir);
    } else {
      const loadDataDir = templateTarball();
      pglite = loadDataDir ? new PGlite({ loadDataDir }) : new PGlite();
    }
  }
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  const instance = pglite;
  return {
    engine: 'pglite',
    db,
    // In-process: PGlite delivers notifications itself and cannot lose them.
    listen: async (channel, onMessage) => {
      await instance.listen(channel, onMessage);
    },
    close: () => db.destroy(),
  };
}

/** Applies every pending migration; returns the names applied. Throws if one fails. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableName: 'vaxel_migrations', migrationLockTableName: 'vaxel_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * One dedicated PostgreSQL connection for LISTEN (a pooled connection would drop the LISTEN).
 * When it breaks, listeners are told there may be a gap and it reconnects with backoff.
 */
function postgresListener(databaseUrl: string) {
  const channels = new Map<string, { onMessage: (payload: string) => void; onGap: () => void }[]>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;

  const gap = () => {
    for (const list of channels.values()) for (const l of list) l.onGap();
  };
  const connect = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      c.on('notification', (msg) => {
        for (const l of channels.get(msg.channel) ?? []) l.onMessage(msg.payload ?? '');
      });
      c.on('error', () => {
        client = undefined;
        connecting = undefined;
        gap();
        void c.end().catch(() => undefined);
        if (!closed) setTimeout(() => void connect().catch(() => undefined), 1000).unref();
      });
      await c.connect();
      for (const ch of channels.keys()) await c.query(`listen ${pg.escapeIdentifier(ch)}`);
      client = c;
      return c;
    })();
    return connecting;
  };
  return {
    listen: async (channel: string, onMessage: (payload: string) => void, onGap: () => void) => {
      const list = channels.get(channel) ?? [];
      list.push({ onMessage, onGap });
      channels.set(channel, list);
      const c = client ?? (await connect());
      if (list.length === 1) await c.query(`listen ${pg.escapeIdentifier(channel)}`);
    },
    close: async () => {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}
