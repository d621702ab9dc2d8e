import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../database.ts';
import { PGliteDialect } from '../pglite-dialect.ts';
import { sipHa1 } from '../repos/sip-ha1.ts';
import { TEST_POSTGRES_URL } from '../test-engines.ts';
import { migrations } from './index.ts';

/** A database with the schema as it was before 0004, on a fresh engine (not the migrated template). */
async function databaseAt0003(engine: 'pglite' | 'postgres'): Promise<{ db: Kysely<Database>; dispose(): Promise<void> }> {
  let db: Kysely<Database>;
  let drop = async () => undefined;
  if (engine === 'pglite') {
    db = new Kysely<Database>({ dialect: new PGliteDialect(new PGlite()) });
  } else {
    const name = `vaxel_test_mig_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 2 }) }) });
    drop = async () => {
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  await migrateUpTo(db, '0003-change-tracking');
  return {
    db,
    dispose: async () => {
      await db.destroy();
      await drop();
    },
  };
}

async function migrateUpTo(db: Kysely<Database>, last?: string): Promise<void> {
  const { error } = await new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(Object.fromEntries(Object.entries(migrations).filter(([n]) => last === undefined || n <= last))) },
    migrationTableName: 'vaxel_migrations',
    migrationLockTableName: 'vaxel_migrations_lock',
  }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
}

for (const engine of ['pglite', 'postgres'] as const) {
  describe(`migration 0004-sip [${engine}]`, () => {
    const disposers: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const d of disposers) await d();
    });

    it('turns stored SIP passwords into the same HA1 digests the application computes, and drops the passwords', async () => {
      const fresh = await databaseAt0003(engine);
      disposers.push(() => fresh.dispose());
      const { db } = fresh;
      const org = await sql<{ id: string }>`insert into organizations (name, slug, time_zone, default_language, sip_domain)
        values ('A', 'a', 'UTC', 'en', 'a.pbx.test') returning id`.execute(db);
      const other = await sql<{ id: string }>`insert into organizations (name, slug, time_zone, default_language, sip_domain)
        values ('B', 'b', 'UTC', 'en', 'b.pbx.test') returning id`.execute(db);
      const orgId = org.rows[0]!.id;
      const otherId = other.rows[0]!.id;
      await sql`insert into devices (org_id, kind, sip_username, sip_password, shown_as) values
        (${orgId}, 'sip_account', 'fax-1', 'Pæssword-ø-2026', 'analog'),
        (${orgId}, 'sip_account', 'fax-2', null, 'analog')`.execute(db);
      await migrateUpTo(db);

      const rows = await db.selectFrom('devices').selectAll().where('org_id', '=', orgId).orderBy('sip_username').execute();
      const expected = sipHa1('fax-1', 'a.pbx.test', 'Pæssword-ø-2026');
      expect(rows.map((r) => [r.sip_username, r.sip_ha1_md5, r.sip_ha1_sha256])).toEqual([
        ['fax-1', expected.md5, expected.sha256],
        ['fax-2', null, null],
      ]);
      const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'devices'`.execute(db);
      expect(columns.rows.map((c) => c.column_name)).not.toContain('sip_password');
      // Unique per organization now, not in the installation.
      await sql`insert into devices (org_id, kind, sip_username, shown_as) values (${otherId}, 'sip_account', 'fax-1', 'analog')`.execute(db);
      await expect(sql`insert into devices (org_id, kind, sip_username) values (${orgId}, 'desk_phone', 'fax-1')`.execute(db)).rejects.toMatchObject({
        code: '23505',
      });
      const org2 = await db.selectFrom('organizations').select('max_outbound_calls').where('id', '=', orgId).executeTakeFirstOrThrow();
      expect(org2.max_outbound_calls).toBe(10);
    });
  });
}
