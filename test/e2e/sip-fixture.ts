import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../app/config.ts';
import { openStore } from '../../app/services.ts';
import { startVaxel, type RunningVaxel } from '../../app/start.ts';
import type { Store } from '../../store/store.ts';

export const SIPP_DIR = join(import.meta.dirname, 'sipp');
export const SIP_PASSWORD = 'Sip-secret-2026';

export interface SeedUser {
  /** Local part of the login and the SIP usernames' stem. */
  name: string;
  extension: string;
  publicNumber?: string;
  /** SIP usernames of this user's devices (each its own sip credentials). */
  devices: string[];
}

export interface SeededOrg {
  orgId: string;
  domain: string;
  users: Map<string, { id: string; devices: Map<string, string> }>;
}

/** Creates an organization with users, lines and SIP devices; every device has password SIP_PASSWORD. */
export async function seedSipOrg(
  store: Store,
  opts: {
    slug: string;
    domain: string;
    users: SeedUser[];
    trunk?: { host: string; port: number; inbound: string[]; register?: boolean; username?: string; password?: string };
    maxOutboundCalls?: number;
  },
): Promise<SeededOrg> {
  const org = await store.organizations.create({
    name: opts.slug,
    slug: opts.slug,
    timeZone: 'Europe/Copenhagen',
    defaultLanguage: 'en',
    sipDomain: opts.domain,
    switchboardNumber: null,
    directoryFieldNames: ['1', '2', '3', '4', '5', '6'],
  });
  await store.numbers.createRange(org.id, { kind: 'internal', start: '100', end: '999', description: 'ext' });
  await store.numbers.createRange(org.id, { kind: 'public', start: '+4570100000', end: '+4570100999', description: 'DIDs' });
  const users = new Map<string, { id: string; devices: Map<string, string> }>();
  for (const u of opts.users) {
    const row = await store.users.create(org.id, {
      username: `${u.name}@${opts.slug}.example`,
      firstName: u.name,
      lastName: 'Test',
      language: 'en',
      license: 'standard',
      role: 'user',
      allowedApps: [],
      directoryFields: ['', '', '', '', '', ''],
    });
    await store.users.replaceLines(org.id, row.id, [
      u.publicNumber
        ? { slot: 'primary', number: u.publicNumber, lineType: 'office_fixed', aliasExtension: u.extension }
        : { slot: 'primary', number: u.extension, lineType: 'office_fixed' },
    ]);
    const devices = new Map<string, string>();
    for (const [i, sipName] of u.devices.entries()) {
      // One SIP account and one softphone per user at most: further devices are desk phones.
      const d =
        i === 0
          ? await store.devices.create(org.id, { kind: 'sip_account', userId: row.id, shownAs: 'desk_phone' })
          : i === 1
            ? await store.devices.create(org.id, { kind: 'softphone', userId: row.id })
            : await store.devices.create(org.id, { kind: 'desk_phone', userId: row.id, mac: randomBytes(6).toString('hex'), model: 'Snom D785' });
      await store.sipAccounts.setDeviceCredentials(org.id, d.id, sipName, SIP_PASSWORD);
      devices.set(sipName, d.id);
    }
    users.set(u.name, { id: row.id, devices });
  }
  if (opts.trunk) {
    await store.trunks.create(org.id, {
      name: 'carrier',
      outboundHost: opts.trunk.host,
      outboundPort: opts.trunk.port,
      transport: 'udp',
      register: opts.trunk.register ?? false,
      authUsername: opts.trunk.username ?? null,
      authPassword: opts.trunk.password ?? null,
      inboundAddresses: opts.trunk.inbound,
    });
  }
  if (opts.maxOutboundCalls !== undefined) await store.organizations.update(org.id, { maxOutboundCalls: opts.maxOutboundCalls });
  return { orgId: org.id, domain: opts.domain, users };
}

export interface SipTestServer {
  vaxel: RunningVaxel;
  /** Stops Vaxel and starts it again on the same data folder and ports (a restart). */
  restart(): Promise<void>;
  store: Store;
  sipPort: number;
  dataDir: string;
  securityLines: string[];
  stop(): Promise<void>;
}

/** A free-ish port for this file's run: random in a range, so parallel test files do not collide. */
export function randomPort(base = 21000, span = 20000): number {
  return base + Math.floor(Math.random() * span);
}

/** Seeds a fresh data folder, then starts Vaxel (API + SIP) on it in this process. */
export async function startSipTestServer(seed: (store: Store) => Promise<void>, env: Record<string, string> = {}): Promise<SipTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vaxel-sip-'));
  const sipPort = randomPort();
  const config = loadConfig(
    { data: dataDir, httpPort: '0', httpHost: '127.0.0.1', sipPort: String(sipPort), sipHost: '127.0.0.1' },
    { VAXEL_SIP_TLS_PORT: 'off', VAXEL_SIP_WS_PORT: 'off', VAXEL_LOG_LEVEL: process.env.VAXEL_LOG_LEVEL ?? 'silent', ...env },
  );
  const { store, connection } = await openStore(config);
  await seed(store);
  await connection.close();
  const securityLines: string[] = [];
  const start = () => startVaxel(config, () => {}, { securityLog: (line) => securityLines.push(line) });
  const vaxel = await start();
  const server: SipTestServer = {
    vaxel,
    restart: async () => {
      await server.vaxel.close();
      server.vaxel = await start();
      server.store = server.vaxel.store;
    },
    store: vaxel.store,
    sipPort,
    dataDir,
    securityLines,
    stop: async () => {
      await server.vaxel.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

export interface SippResult {
  code: number | null;
  stdout: string;
  stderr: string;
  errors: string;
}

/**
 * Runs one bounded SIPp scenario from test/e2e/sipp (or given as XML) against the server on
 * loopback, to its end. Extra arguments follow; a CSV injection file can be given as text.
 */
export function runSipp(opts: {
  /** A file name in test/e2e/sipp, or the scenario XML itself. */
  scenario: string;
  target: string;
  args?: string[];
  csv?: string;
  localIp?: string;
  localPort?: number;
  timeoutS?: number;
}): Promise<SippRun> {
  return startSippOn({ ...opts, localPort: opts.localPort ?? randomPort(42000, 8000) }).done;
}

/** Starts a SIPp UAS on 127.0.0.1 in the background (a callee that must be up before the caller runs). */
export function startSipp(opts: { scenario: string; args: string[]; localPort: number; timeoutS?: number }): { done: Promise<SippRun>; kill(): void } {
  return startSippOn({ ...opts, timeoutS: opts.timeoutS ?? 30 });
}

function scenarioFile(work: string, scenario: string): string {
  if (!scenario.startsWith('<')) return join(SIPP_DIR, scenario);
  const file = join(work, 'scenario.xml');
  writeFileSync(file, scenario);
  return file;
}

/** The CSV line SIPp needs for a caller or registrant: user;[authentication …];domain[;extra]. */
export function credentialsCsv(rows: Array<{ user: string; domain: string; password?: string; extra?: string }>): string {
  return (
    'SEQUENTIAL\n' +
    rows
      .map(
        (r) => `${r.user};[authentication username=${r.user} password=${r.password ?? SIP_PASSWORD}];${r.domain}${r.extra !== undefined ? ';' + r.extra : ''}`,
      )
      .join('\n') +
    '\n'
  );
}

export interface SippRun extends SippResult {
  /** What the scenario's <log> actions wrote (SIPp runs with -trace_logs). */
  logs: string;
}

/**
 * Starts a SIPp instance in the background from any loopback address, killed at the latest a few
 * seconds after its timeout: SIPp's own -timeout does not fire while a call waits for an answer
 * after an ICMP "port unreachable", and a stuck SIPp must not outlive the test.
 */
export function startSippOn(opts: {
  scenario: string;
  localPort: number;
  localIp?: string;
  /** Without a target SIPp is a UAS. */
  target?: string;
  args?: string[];
  csv?: string;
  timeoutS?: number;
}): { done: Promise<SippRun>; kill(): void } {
  const work = mkdtempSync(join(tmpdir(), 'vaxel-sipp-on-'));
  const timeoutS = opts.timeoutS ?? 20;
  const args = [
    ...(opts.target ? [opts.target] : []),
    '-sf',
    scenarioFile(work, opts.scenario),
    '-i',
    opts.localIp ?? '127.0.0.1',
    '-p',
    String(opts.localPort),
    '-m',
    '1',
    '-nostdin',
    '-timeout',
    `${timeoutS}s`,
    '-trace_err',
    '-error_file',
    join(work, 'err.log'),
    '-trace_logs',
    '-log_file',
    join(work, 'actions.log'),
    '-max_recv_loops',
    '1000',
  ];
  if (opts.csv !== undefined) {
    writeFileSync(join(work, 'in.csv'), opts.csv);
    args.push('-inf', join(work, 'in.csv'));
  }
  args.push(...(opts.args ?? []));
  const child = spawn('sipp', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 5) * 1000);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<SippRun>((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(killer);
      const read = (name: string) => {
        try {
          return readFileSync(join(work, name), 'utf8');
        } catch {
          return '';
        }
      };
      const result = { code, stdout, stderr, errors: read('err.log'), logs: read('actions.log') };
      rmSync(work, { recursive: true, force: true });
      resolve(result);
    });
  });
  return { done, kill: () => child.kill('SIGTERM') };
}

/** How many calls a finished SIPp run created (sent or received), from its final statistics screen. */
export function sippCallsCreated(stdout: string): number {
  const all = [...stdout.matchAll(/Total Calls created\s*\|\s*\|\s*(\d+)/g)];
  const last = all.at(-1);
  if (!last) throw new Error(`no SIPp statistics in its output:\n${stdout.slice(-2000)}`);
  return Number(last[1]);
}

/**
 * Sends one SIP message over UDP from `localIp` and returns the first answer (the whole text), or
 * null when none came within waitMs. For checks that compare whole responses.
 */
export async function udpRequest(target: { host: string; port: number }, message: string, opts: { localIp: string; waitMs?: number }): Promise<string | null> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, opts.localIp, () => resolve());
    });
    const port = socket.address().port;
    const text = message.replaceAll('LOCAL_IP', opts.localIp).replaceAll('LOCAL_PORT', String(port));
    const answer = new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), opts.waitMs ?? 2000);
      socket.on('message', (data) => {
        const s = data.toString('latin1');
        // A provisional answer is not the one the caller wants.
        if (/^SIP\/2\.0 1\d\d /.test(s)) return;
        clearTimeout(timer);
        resolve(s);
      });
    });
    socket.send(Buffer.from(text, 'latin1'), target.port, target.host);
    return await answer;
  } finally {
    socket.close();
  }
}
