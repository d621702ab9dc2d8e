import { sql } from 'kysely';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connectStore } from '../store/connect.ts';
import {
  BASELINE_DIR,
  BENCH_DOMAIN,
  BENCH_PASSWORD,
  collectGarbage,
  freePort,
  memoryMb,
  requireBaseline,
  round1,
  runBounded,
  sleep,
  startSeededSipServer,
} from './sip-bench-env.ts';

// bench:sip:memory — issue 3: "50,000 registered contacts with RSS growth under 150 MB". Seeds
// 50,000 SIP accounts, starts `vaxel start`, registers every one once with SIPp (the baseline's
// bench_register.sh, digest auth), waits for the registrar's write-behind to finish and measures
// the server's RSS growth; then checks through the API and the store that all bindings exist.
// Every RSS figure except the "no GC" one follows a full garbage collection in the server (through
// its inspector, on loopback), so it counts what is held, not when V8 last collected. RSS is read
// once the write-behind is done (the issue's figure: contacts plus the completed REGISTER
// transactions Timer J still holds) and again after Timer J (64·T1 = 32 s): the contacts alone.
// env: BENCH_CONTACTS (50000), BENCH_SETTLE_MS (2000), BENCH_TIMER_J_WAIT_MS (40000 after the REGISTERs; 0 skips
// it), BENCH_NO_GC=1 (no inspector, no forced GC).
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 50_000);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 2000);
const TIMER_J_WAIT_MS = Number(process.env.BENCH_TIMER_J_WAIT_MS ?? 40_000);
const TARGET_GROWTH_MB = 150;

requireBaseline(['bench_register.sh', 'common.sh']);

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** Waits (at most `limitMs`) until the process has used under 5% of a core for two seconds running. */
async function waitQuiet(pid: number, limitMs: number): Promise<number> {
  const t0 = Date.now();
  let quiet = 0;
  let last = cpuTicks(pid);
  while (Date.now() - t0 < limitMs && quiet < 4) {
    await sleep(500);
    const now = cpuTicks(pid);
    quiet = now - last <= 2 ? quiet + 1 : 0; // 2 ticks of 100 Hz in 500 ms: 4% of a core
    last = now;
  }
  return Date.now() - t0;
}

async function apiBindings(url: string, token: string, orgId: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/organizations/${orgId}/sip/registrations`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET registrations: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { items: unknown[] }).items.length;
}

interface Reading {
  rss: number;
  peak: number;
  heapUsedMb: number | null;
}

async function reading(pid: number, inspectPort: number | null): Promise<Reading> {
  if (inspectPort === null) return { ...memoryMb(pid), heapUsedMb: null };
  const heap = await collectGarbage(inspectPort);
  await sleep(1000);
  return { ...memoryMb(pid), heapUsedMb: heap.heapUsedMb };
}

const show = (r: Reading) => `RSS ${r.rss} MB${r.heapUsedMb === null ? '' : `, V8 heap used ${r.heapUsedMb} MB`}`;

console.log(`seeding ${CONTACTS} SIP accounts on ${BENCH_DOMAIN} ...`);
const inspectPort = process.env.BENCH_NO_GC ? null : await freePort(41000, 42000);
const s = await startSeededSipServer(CONTACTS, 'sipmem', inspectPort === null ? [] : [`--inspect=127.0.0.1:${inspectPort}`]);
const pid = s.server.child.pid!;
let exitCode = 0;
try {
  console.log(`seeded in ${s.seedMs} ms; vaxel pid ${pid} up after ${Math.round(s.server.healthyAfterMs)} ms, SIP udp+tcp 127.0.0.1:${s.sipPort}`);
  console.log('flood guard: 127.0.0.1 is in VAXEL_SIP_TRUSTED_ADDRESSES (SIPp sends 200 unauthenticated REGISTERs at once from it).');
  const atStart = memoryMb(pid);
  await sleep(SETTLE_MS);
  const before = await reading(pid, inspectPort);
  console.log(`vaxel after start: RSS ${atStart.rss} MB; after ${SETTLE_MS} ms and a full GC: ${show(before)}`);

  const lport = Number(process.env.LPORT ?? (await freePort(17000, 17999)));
  const env = {
    ...process.env,
    USERS: String(CONTACTS),
    COUNT: String(CONTACTS),
    PASSWORD: BENCH_PASSWORD,
    DOMAIN: BENCH_DOMAIN,
    SERVER_PIDS: String(pid),
    LPORT: String(lport),
    TIMEOUT: process.env.TIMEOUT ?? '300',
  };
  console.log(`${join(BASELINE_DIR, 'bench_register.sh')} 127.0.0.1:${s.sipPort}  (USERS=COUNT=${CONTACTS} LPORT=${lport})`);
  const run = await runBounded(join(BASELINE_DIR, 'bench_register.sh'), [`127.0.0.1:${s.sipPort}`, 'vaxel-memory/register'], env, 10 * 60_000);
  const registeredAt = Date.now();
  const m = /\tok=([0-9]+)\tfailed=([0-9]+)/.exec(run.stdout);
  const registered = m ? Number(m[1]) : 0;
  const failed = m ? Number(m[2]) : null;

  // The registrar writes bindings behind (about once a second): measure once that work is done.
  const quietAfterMs = await waitQuiet(pid, 120_000);
  await sleep(SETTLE_MS);
  const afterNoGc = memoryMb(pid);
  const after = await reading(pid, inspectPort);
  console.log(
    `vaxel after ${registered} REGISTERs (quiet after ${quietAfterMs} ms, +${SETTLE_MS} ms): RSS ${afterNoGc.rss} MB; after a full GC: ${show(after)}`,
  );

  let afterTimerJ: Reading | null = null;
  if (TIMER_J_WAIT_MS > 0) {
    await sleep(Math.max(0, registeredAt + TIMER_J_WAIT_MS - Date.now()));
    afterTimerJ = await reading(pid, inspectPort);
    console.log(`vaxel ${TIMER_J_WAIT_MS} ms after the REGISTERs (completed transactions expired), after a full GC: ${show(afterTimerJ)}`);
  }

  let viaApi = 0;
  const deadline = Date.now() + 60_000;
  while ((viaApi = await apiBindings(s.server.url, s.token, s.org.orgId)) < CONTACTS && Date.now() < deadline) await sleep(1000);
  const afterApi = memoryMb(pid);
  console.log(`bindings listed by GET /api/v1/organizations/:orgId/sip/registrations: ${viaApi} (RSS after that request: ${afterApi.rss} MB)`);
  await s.server.stop();

  const conn = await connectStore({ engine: 'pglite', dataDir: join(s.dataDir, 'pglite') });
  const row = await sql<{ n: number }>`select count(*)::int as n from sip_registrations where org_id = ${s.org.orgId} and expires_at > now()`.execute(conn.db);
  await conn.close();
  const inStore = row.rows[0]?.n ?? 0;
  console.log(`bindings in the store after stop: ${inStore}`);

  const growth = round1(after.rss - before.rss);
  const growthAfterTimerJ = afterTimerJ ? round1(afterTimerJ.rss - before.rss) : null;
  const heapGrowth = (r: Reading | null) => (r?.heapUsedMb != null && before.heapUsedMb !== null ? round1(r.heapUsedMb - before.heapUsedMb) : null);
  const ok = registered === CONTACTS && viaApi === CONTACTS && inStore === CONTACTS;
  console.log(
    `\n${growth < TARGET_GROWTH_MB ? 'MET ' : 'MISS'}  RSS growth for ${CONTACTS} registered contacts < ${TARGET_GROWTH_MB} MB: ${growth} MB (${before.rss} -> ${after.rss} MB; V8 heap +${heapGrowth(after)} MB)`,
  );
  if (afterTimerJ) console.log(`      after Timer J: ${growthAfterTimerJ} MB (${before.rss} -> ${afterTimerJ.rss} MB; V8 heap +${heapGrowth(afterTimerJ)} MB)`);
  if (!ok) {
    console.error(`not every contact registered: SIPp ok=${registered} failed=${failed}, API ${viaApi}, store ${inStore} (expected ${CONTACTS})`);
    exitCode = 1;
  }
  console.log(
    JSON.stringify({
      bench: 'sip-memory',
      contacts: Math.min(viaApi, inStore),
      rss_mb_before: before.rss,
      rss_mb_after: after.rss,
      rss_growth_mb: growth,
      heap_growth_mb: heapGrowth(after),
      rss_mb_at_start: atStart.rss,
      rss_mb_after_no_gc: afterNoGc.rss,
      rss_mb_peak: afterNoGc.peak,
      rss_mb_after_timer_j: afterTimerJ?.rss ?? null,
      rss_growth_mb_after_timer_j: growthAfterTimerJ,
      heap_growth_mb_after_timer_j: heapGrowth(afterTimerJ),
      rss_mb_after_api_list: afterApi.rss,
      register_failures: failed,
      target_growth_mb: TARGET_GROWTH_MB,
      met: ok && growth < TARGET_GROWTH_MB,
      met_after_timer_j: growthAfterTimerJ === null ? null : ok && growthAfterTimerJ < TARGET_GROWTH_MB,
    }),
  );
} finally {
  await s.server.stop();
  rmSync(s.dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
