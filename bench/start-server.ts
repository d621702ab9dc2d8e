import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn until /healthz answered 200. */
  healthyAfterMs: number;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Node options placed before the script, e.g. ['--cpu-prof', '--cpu-prof-dir', dir]. */
  nodeArgs?: string[];
}

/** Starts `vaxel start` in its own process and waits until /healthz answers (bounded: 60 s). */
export async function startServerProcess(dataDir: string, env: Record<string, string> = {}, opts: StartServerOptions = {}): Promise<ServerProcess> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), join(ROOT, 'bin', 'vaxel.js'), 'start', '--data', dataDir, '--http-port', String(port), '--http-host', '127.0.0.1'],
    {
      // SIP on loopback at a random port unless the caller says otherwise: a second server (tests
      // run in parallel) must not collide on 5060/5061/5066.
      env: {
        ...process.env,
        VAXEL_LOG_LEVEL: 'warn',
        VAXEL_SIP_HOST: '127.0.0.1',
        VAXEL_SIP_PORT: String(30000 + Math.floor(Math.random() * 20000)),
        VAXEL_SIP_TLS_PORT: 'off',
        VAXEL_SIP_WS_PORT: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy: ${output}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const healthyAfterMs = performance.now() - t0;
  return {
    child,
    url,
    healthyAfterMs,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
