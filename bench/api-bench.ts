import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connectStore, migrateToLatest } from '../store/connect.ts';
import { createStore } from '../store/store.ts';
import { runLoad, type LoadResult } from './load.ts';
import { seedLargeOrg } from './seed-large-org.ts';
import { startServerProcess } from './start-server.ts';

// bench:api — 10,000 users in one organization on the embedded store; the server runs in its own
// process and this process drives it at concurrency 16. Target: p99 < 20 ms for list/search and
// effective-settings.
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const CONCURRENCY = 16;
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 8) * 1000;

// BENCH_STORE=postgres runs the same against a fresh database on the local PostgreSQL server.
const ENGINE = process.env.BENCH_STORE === 'postgres' ? 'postgres' : 'pglite';

const dir = mkdtempSync(join(tmpdir(), 'vaxel-bench-'));
const pgName = `vaxel_bench_${process.pid}`;
const adminUrl = process.env.VAXEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const databaseUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${pgName}`;
  return u.toString();
})();
async function adminQuery(q: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(q);
  await c.end();
}
try {
  const t0 = performance.now();
  if (ENGINE === 'postgres') await adminQuery(`create database ${pgName}`);
  const conn =
    ENGINE === 'postgres' ? await connectStore({ engine: 'postgres', databaseUrl }) : await connectStore({ engine: 'pglite', dataDir: join(dir, 'pglite') });
  await migrateToLatest(conn.db);
  const org = await seedLargeOrg(createStore(conn.db), conn, USERS);
  await conn.close();
  console.log(`seeded ${USERS} users in ${Math.round(performance.now() - t0)} ms`);

  const server = await startServerProcess(dir, ENGINE === 'postgres' ? { DATABASE_URL: databaseUrl } : {});
  const headers = { authorization: `Bearer ${org.token}` };
  const base = `/api/v1/organizations/${org.orgId}`;
  const rnd = (n: number) => Math.floor(Math.random() * n);
  const results: LoadResult[] = [];
  try {
    const scenarios = [
      { name: 'list', path: () => `${base}/users?limit=50&offset=${rnd(USERS - 50)}&sort=last_name` },
      { name: 'search', path: () => `${base}/users?limit=50&q=${encodeURIComponent(org.searchTerms[rnd(org.searchTerms.length)]!)}` },
      { name: 'effective_settings', path: () => `${base}/users/${org.userIds[rnd(org.userIds.length)]!}/effective-settings` },
    ];
    for (const s of scenarios) {
      const r = await runLoad({ name: s.name, baseUrl: server.url, path: s.path, headers, concurrency: CONCURRENCY, durationMs: DURATION_MS });
      results.push(r);
      console.log(
        `${r.name.padEnd(20)} ${String(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p90 ${r.p90} ms  p99 ${r.p99} ms  max ${r.max} ms  (${r.requests} requests, ${r.errors} errors)`,
      );
    }
  } finally {
    await server.stop();
  }
  const by = (n: string) => results.find((r) => r.name === n)!;
  const line: Record<string, unknown> = { bench: 'api', users: USERS, concurrency: CONCURRENCY, store: ENGINE };
  for (const r of results) {
    line[`${r.name}_rps`] = r.rps;
    line[`${r.name}_p50_ms`] = r.p50;
    line[`${r.name}_p99_ms`] = r.p99;
    line[`${r.name}_errors`] = r.errors;
  }
  line.target_p99_ms = 20;
  line.met = ['list', 'search', 'effective_settings'].every((n) => by(n).p99 < 20 && by(n).errors === 0);
  console.log(JSON.stringify(line));
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (ENGINE === 'postgres') await adminQuery(`drop database if exists ${pgName} with (force)`);
}
