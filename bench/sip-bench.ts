import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASELINE_DIR,
  BENCH_DOMAIN,
  BENCH_PASSWORD,
  freePort,
  memoryMb,
  requireBaseline,
  runBounded,
  startSeededSipServer,
  topSelfTime,
} from './sip-bench-env.ts';

// bench:sip — authenticated REGISTER and B2BUA call setup through `vaxel start`, measured by the
// SIPp/Kamailio yardstick's compare.sh side by side with Kamailio (same digest auth, same load,
// runs interleaved). CPU per operation is the figure that counts on a shared box; throughput moves
// with other processes' load. env: BENCH_COUNT (20000 ops/run), BENCH_REPEAT (3), BENCH_ACCOUNTS
// (20000), BENCH_TIMEOUT_S (1200), BENCH_CPU_PROF=1 (profile the server, print its top functions),
// and compare.sh's own (CONC, TRANSPORT, HOLD_MS ...).
const COUNT = Number(process.env.BENCH_COUNT ?? 20_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20_000);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 1200) * 1000;
const TARGET = { registerCpuRatio: 2, callsPerS: 2000, callFailurePct: 1, callCpuRatio: 3 };

requireBaseline(['compare.sh', 'bench_register.sh', 'bench_calls.sh', 'common.sh', 'run_kamailio.sh']);

interface Row {
  medianPerS: number;
  cpuMsPerOp: number | null;
  failed: number;
}

/** compare.sh's summary table: `server bench median/s best/s cpu_ms/op failed`. */
function parseSummary(out: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 6 || !['register', 'calls'].includes(f[1]!) || !/^[0-9]+$/.test(f[2]!)) continue;
    rows.set(`${f[0]}/${f[1]}`, { medianPerS: Number(f[2]), cpuMsPerOp: f[4] === '-' ? null : Number(f[4]), failed: Number(f[5]) });
  }
  return rows;
}

/** Successful and failed operations over every run of one server and bench (compare.sh's per-run lines). */
function totals(out: string, label: string): { ok: number; failed: number } {
  let ok = 0;
  let failed = 0;
  const re = new RegExp(`^${label}#[0-9]+\\tok=([0-9]+)\\tfailed=([0-9]+)`, 'gm');
  for (const m of out.matchAll(re)) {
    ok += Number(m[1]);
    failed += Number(m[2]);
  }
  return { ok, failed };
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b ? Math.round((a / b) * 100) / 100 : null);

console.log(`seeding ${ACCOUNTS} SIP accounts (+ callee 'uas') on ${BENCH_DOMAIN} ...`);
const s = await startSeededSipServer(ACCOUNTS, 'sipbench');
const pid = s.server.child.pid!;
let exitCode = 0;
try {
  console.log(`seeded in ${s.seedMs} ms; vaxel pid ${pid} up after ${Math.round(s.server.healthyAfterMs)} ms, SIP udp+tcp 127.0.0.1:${s.sipPort}`);
  console.log(
    'flood guard: 127.0.0.1 is in VAXEL_SIP_TRUSTED_ADDRESSES (SIPp fires 200 unauthenticated REGISTERs at once from it); Kamailio runs without pike.',
  );
  const before = memoryMb(pid);
  console.log(`vaxel RSS before: ${before.rss} MB`);
  const kamPort = Number(process.env.KAM_PORT ?? (await freePort(15900, 15999)));
  const lport = Number(process.env.LPORT ?? (await freePort(17000, 17999)));
  const env = {
    ...process.env,
    KAM_AUTH: '1',
    KAM_PORT: String(kamPort),
    LPORT: String(lport),
    PASSWORD: BENCH_PASSWORD,
    DOMAIN: BENCH_DOMAIN,
    SERVER_PIDS: String(pid),
    REPEAT: String(REPEAT),
    COUNT: String(COUNT),
    USERS: String(Math.min(COUNT, ACCOUNTS)),
  };
  console.log(
    `${join(BASELINE_DIR, 'compare.sh')} 127.0.0.1:${s.sipPort} vaxel  (COUNT=${COUNT} REPEAT=${REPEAT} KAM_PORT=${kamPort} LPORT=${lport} KAM_AUTH=1)`,
  );
  const run = await runBounded(join(BASELINE_DIR, 'compare.sh'), [`127.0.0.1:${s.sipPort}`, 'vaxel'], env, TIMEOUT_MS);
  if (run.timedOut) await runBounded(join(BASELINE_DIR, 'run_kamailio.sh'), ['stop', String(kamPort)], env, 20_000);
  const alive = s.server.child.exitCode === null;
  const after = alive ? memoryMb(pid) : { rss: NaN, peak: NaN };
  if (!alive) console.error(`vaxel exited during the bench (code ${s.server.child.exitCode}):\n${s.server.output().slice(-4000)}`);

  const rows = parseSummary(run.stdout);
  const get = (k: string) => rows.get(k);
  const reg = get('vaxel/register');
  const calls = get('vaxel/calls');
  const kamReg = get('kamailio/register');
  const kamCalls = get('kamailio/calls');
  const callTotals = totals(run.stdout, 'vaxel/calls');
  const regTotals = totals(run.stdout, 'vaxel/register');
  const callFailurePct = callTotals.ok + callTotals.failed > 0 ? (100 * callTotals.failed) / (callTotals.ok + callTotals.failed) : null;
  const expectedCalls = COUNT * REPEAT;
  const result = {
    bench: 'sip',
    count: COUNT,
    repeat: REPEAT,
    register_per_s: reg?.medianPerS ?? null,
    cpu_ms_per_register: reg?.cpuMsPerOp ?? null,
    kamailio_register_per_s: kamReg?.medianPerS ?? null,
    kamailio_cpu_ms_per_register: kamReg?.cpuMsPerOp ?? null,
    register_cpu_ratio: ratio(reg?.cpuMsPerOp, kamReg?.cpuMsPerOp),
    register_failures: regTotals.failed,
    calls_per_s: calls?.medianPerS ?? null,
    call_failures: callTotals.failed,
    call_failure_pct: callFailurePct === null ? null : Math.round(callFailurePct * 1000) / 1000,
    calls_completed: callTotals.ok,
    cpu_ms_per_call: calls?.cpuMsPerOp ?? null,
    kamailio_calls_per_s: kamCalls?.medianPerS ?? null,
    kamailio_cpu_ms_per_call: kamCalls?.cpuMsPerOp ?? null,
    call_cpu_ratio: ratio(calls?.cpuMsPerOp, kamCalls?.cpuMsPerOp),
    sipp_direct_calls_per_s: get('sipp-direct/calls')?.medianPerS ?? null,
    rss_mb_before: before.rss,
    rss_mb_after: after.rss,
    rss_mb_peak: after.peak,
  };
  const check = (name: string, ok: boolean | null, text: string) => console.log(`${ok === null ? 'n/a ' : ok ? 'MET ' : 'MISS'}  ${name}: ${text}`);
  console.log('\n--- vaxel vs targets (issue 3) ---');
  check(
    'CPU per authenticated REGISTER <= 2x Kamailio',
    result.register_cpu_ratio === null ? null : result.register_cpu_ratio <= TARGET.registerCpuRatio,
    `${result.cpu_ms_per_register} ms vs ${result.kamailio_cpu_ms_per_register} ms = ${result.register_cpu_ratio}x`,
  );
  check(
    'B2BUA call setup >= 2,000 calls/s',
    result.calls_per_s === null ? null : result.calls_per_s >= TARGET.callsPerS,
    `${result.calls_per_s} calls/s (Kamailio ${result.kamailio_calls_per_s}, SIPp direct ${result.sipp_direct_calls_per_s})`,
  );
  check(
    'call failures < 1%',
    callFailurePct === null ? null : callFailurePct < TARGET.callFailurePct && callTotals.ok + callTotals.failed >= expectedCalls,
    `${callTotals.failed} failed of ${callTotals.ok + callTotals.failed} (expected ${expectedCalls} attempts)`,
  );
  check(
    'CPU per call <= 3x Kamailio',
    result.call_cpu_ratio === null ? null : result.call_cpu_ratio <= TARGET.callCpuRatio,
    `${result.cpu_ms_per_call} ms vs ${result.kamailio_cpu_ms_per_call} ms = ${result.call_cpu_ratio}x`,
  );
  console.log(`vaxel RSS: ${before.rss} MB before, ${after.rss} MB after (peak ${after.peak} MB)`);
  if (run.timedOut || run.code !== 0 || !reg || !calls) {
    console.error(
      `compare.sh ${run.timedOut ? 'timed out' : `exited with ${run.code}`}; figures missing: ${[!reg && 'register', !calls && 'calls'].filter(Boolean).join(', ')}`,
    );
    exitCode = 1;
  }
  await s.server.stop();
  if (s.profileDir) {
    console.log('\n--- server CPU profile, top self time ---');
    for (const l of topSelfTime(s.profileDir)) console.log(l);
  }
  console.log(JSON.stringify(result));
} finally {
  await s.server.stop();
  rmSync(s.dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
