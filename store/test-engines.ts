import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { connectStore, migrateToLatest, type StoreConnection, type StoreEngine } from './connect.ts';
import { createStore, type Store } from './store.ts';

/** The PostgreSQL server the suite uses; CI starts it if it is down. */
export const TEST_POSTGRES_URL = process.env.VAXEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  store: Store;
  connection: StoreConnection;
}

/** Opens a migrated store on a fresh database: a new in-memory PGlite, or a new PostgreSQL database. */
export async function openTestStore(engine: StoreEngine): Promise<TestStore & { dispose(): Promise<void> }> {
  if (engine === 'pglite') {
    const connection = await connectStore({ engine: 'pglite', dataDir: null });
    await migrateToLatest(connection.db);
    return { store: createStore(connection.db), connection, dispose: () => connection.close() };
  }
  const name = `vaxel_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const connection = await connectStore({ engine: 'postgres', databaseUrl: url.toString(), poolSize: 4 });
  await migrateToLatest(connection.db);
  return {
    store: createStore(connection.db),
    connection,
    dispose: async () => {
      await connection.close();
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Runs one contract suite against every engine. Tests isolate themselves by creating their own
 * organization, which is also how production isolates tenants.
 */
export function describeEachEngine(title: string, suite: (get: () => TestStore, engine: StoreEngine) => void): void {
  for (const engine of ['pglite', 'postgres'] as const) {
    describe(`${title} [${engine}]`, () => {
      let current: (TestStore & { dispose(): Promise<void> }) | undefined;
      beforeAll(async () => {
        current = await openTestStore(engine);
      });
      afterAll(async () => {
        await current?.dispose();
      });
      suite(() => {
        if (!current) throw new Error('store not open');
        return current;
      }, engine);
    });
  }
}

let counter = 0;
/** A unique suffix for names that must be unique across the installation (usernames, domains). */
export function uniqueSuffix(): string {
  counter += 1;
  return `${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** A new organization for one test; returns its id. */
export async function testOrganization(store: Store): Promise<string> {
  const s = uniqueSuffix();
  const o = await store.organizations.create({ name: `Org ${s}`, slug: `org-${s}`, timeZone: 'UTC', defaultLanguage: 'en', sipDomain: `org-${s}.test` });
  return o.id;
}

/** A plain user in the organization; returns its id. */
export async function testUser(store: Store, orgId: string): Promise<string> {
  const u = await store.users.create(orgId, {
    username: `u-${uniqueSuffix()}@example.test`,
    firstName: 'A',
    lastName: 'B',
    language: 'en',
    license: 'standard',
    role: 'user',
    allowedApps: [],
    directoryFields: ['', '', '', '', '', ''],
  });
  return u.id;
}
