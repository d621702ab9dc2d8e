import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { connectStore, migrateToLatest } from '../store/connect.ts';
import { createStore } from '../store/store.ts';
import { createBenchToken, seedSipAccounts, type SeededSipAccounts } from './seed-sip-accounts.ts';
import { startServerProcess, type ServerProcess } from './start-server.ts';

/** The SIPp/Kamailio yardstick (measurement tools kept outside the repository). */
const ROOT = join(import.meta.dirname, '..');

export const BASELINE_DIR = process.env.SIP_BASELINE_DIR ?? '/work/shared/bench/sip-baseline';
export const BENCH_DOMAIN = 'bench.vaxel.test';
export const BENCH_PASSWORD = 'secret';

/** Exits with 3 (tooling missing, nothing measured) when the baseline scripts or SIPp are not on this machine. */
export function requireBaseline(scripts: string[]): void {
  const missing = scripts.filter((s) => !existsSync(join(BASELINE_DIR, s)));
  if (missing.length > 0) {
    console.error(
      `SIP baseline scripts not found: ${missing.map((s) => join(BASELINE_DIR, s)).join(', ')}.\n` +
        `This bench drives SIPp through them (and compares with Kamailio); set SIP_BASELINE_DIR to where they are.`,
    );
    process.exit(3);
  }
  if (spawnSync('sipp', ['-v']).error) {
    console.error('sipp not found on PATH (Debian: apt-get install -y sip-tester)');
    process.exit(3);
  }
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A port free for both UDP and TCP on loopback, drawn at random from [min, max): fixed ports
 * collide with other benches on the shared box and catch late retransmissions from earlier runs.
 */
export async function freePort(min: number, max: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = min + Math.floor(Math.random() * (max - min));
    if ((await udpFree(p)) && (await tcpFree(p))) return p;
  }
  throw new Error(`no free port in ${min}-${max}`);
}

/** Resident and peak resident memory of a process, MB (from /proc/PID/status). */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: round1(kb('VmRSS') / 1024), peak: round1(kb('VmHWM') / 1024) };
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BoundedRun {
  code: number | null;
  stdout: string;
  timedOut: boolean;
}

/**
 * Runs a baseline script with its output streamed through, in its own process group so that a
 * timeout stops the SIPp instances it started too (TERM first, so its EXIT trap stops Kamailio).
 */
export function runBounded(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<BoundedRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: BASELINE_DIR, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      process.stdout.write(d);
    });
    child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n${command} still running after ${Math.round(timeoutMs / 1000)} s: stopping it`);
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, stdout, timedOut });
    });
  });
}

export interface SeededServer {
  dataDir: string;
  server: ServerProcess;
  sipPort: number;
  org: SeededSipAccounts;
  token: string;
  seedMs: number;
  /** Where `--cpu-prof` writes the server's profile (BENCH_CPU_PROF=1), else null. */
  profileDir: string | null;
}

/**
 * Seeds a fresh PGlite data folder with `count` SIP accounts (u0..u<count-1>, password
 * BENCH_PASSWORD, plus the callee `uas`) and starts `vaxel start` on it as a child process, SIP on
 * 127.0.0.1 UDP+TCP only. 127.0.0.1 is trusted: SIPp sends hundreds of unauthenticated REGISTERs
 * at once from that one address, which the flood guard would otherwise ban (Kamailio's bench
 * config has no pike module either, so both are measured without flood limiting).
 */
export async function startSeededSipServer(count: number, slug: string, extraNodeArgs: string[] = []): Promise<SeededServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vaxel-sipbench-'));
  const t0 = performance.now();
  const conn = await connectStore({ engine: 'pglite', dataDir: join(dataDir, 'pglite') });
  await migrateToLatest(conn.db);
  const store = createStore(conn.db);
  const org = await seedSipAccounts(store, conn, { count, domain: BENCH_DOMAIN, slug, password: BENCH_PASSWORD, callee: 'uas' });
  const token = await createBenchToken(store);
  await conn.close();
  const seedMs = Math.round(performance.now() - t0);
  const sipPort = await freePort(30000, 40000);
  const profileDir = process.env.BENCH_CPU_PROF ? mkdtempSync(join(tmpdir(), 'vaxel-sipbench-prof-')) : null;
  // BENCH_NODE_ARGS: more node options for the server (e.g. --trace-gc, --heapsnapshot-signal=SIGUSR2).
  const nodeArgs = [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ...extraNodeArgs,
  ];
  const server = await startServerProcess(
    dataDir,
    {
      VAXEL_SIP_HOST: '127.0.0.1',
      VAXEL_SIP_PORT: String(sipPort),
      VAXEL_SIP_TLS_PORT: 'off',
      VAXEL_SIP_WS_PORT: 'off',
      VAXEL_SIP_TRUSTED_ADDRESSES: '127.0.0.1',
      VAXEL_LOG_LEVEL: 'warn',
    },
    { nodeArgs },
  );
  return { dataDir, server, sipPort, org, token, seedMs, profileDir };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}

/** The functions with the most self time in the `.cpuprofile` files of a folder, as printable lines. */
export function topSelfTime(profileDir: string, top = 25): string[] {
  const lines: string[] = [];
  for (const f of readdirSync(profileDir).filter((n) => n.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(profileDir, f), 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
    const usPerSample = (p.endTime - p.startTime) / Math.max(1, p.samples.length);
    const self = new Map<string, number>();
    let total = 0;
    for (const n of p.nodes) {
      const hits = n.hitCount ?? 0;
      total += hits;
      const fn = n.callFrame.functionName || '(anonymous)';
      // tsx's transformed modules report every function on line 1: the file is what tells them apart.
      const where = n.callFrame.url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
      const k = `${fn} ${where}`.trim();
      self.set(k, (self.get(k) ?? 0) + hits);
    }
    lines.push(`${join(profileDir, f)}: ${total} samples, ${Math.round((total * usPerSample) / 1000)} ms`);
    for (const [k, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      lines.push(`${((100 * hits) / Math.max(1, total)).toFixed(1).padStart(5)}%  ${Math.round((hits * usPerSample) / 1000)} ms  ${k}`);
    }
  }
  return lines;
}

/**
 * Talks to a process started with `--inspect=127.0.0.1:PORT`: a full garbage collection
 * (HeapProfiler.collectGarbage), then the V8 heap's used and total size. Without it an RSS reading
 * depends on when V8 last ran a major GC, which moved this bench's figure by 150 MB between runs.
 */
export async function collectGarbage(inspectPort: number): Promise<{ heapUsedMb: number; heapTotalMb: number }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const call = (method: string) =>
    new Promise<Record<string, number>>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`inspector ${method}: no answer`)), 60_000);
      const onMessage = (data: WebSocket.RawData) => {
        const text = (Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data).toString('utf8');
        const msg = JSON.parse(text) as { id?: number; result?: Record<string, number>; error?: { message: string } };
        if (msg.id !== id) return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        if (msg.error) reject(new Error(msg.error.message));
        else resolve(msg.result ?? {});
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.getHeapUsage');
    return { heapUsedMb: round1((usage.usedSize ?? NaN) / 1048576), heapTotalMb: round1((usage.totalSize ?? NaN) / 1048576) };
  } finally {
    ws.close();
  }
}
