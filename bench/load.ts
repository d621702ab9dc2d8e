import { Agent, request } from 'node:http';

export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  durationMs: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Closed-loop load: `concurrency` workers, each sending its next request when the previous one
 * answered, over keep-alive connections, for `durationMs` (bounded; it stops by itself).
 */
export async function runLoad(opts: {
  name: string;
  baseUrl: string;
  path: () => string;
  headers: Record<string, string>;
  concurrency: number;
  durationMs: number;
  warmupMs?: number;
}): Promise<LoadResult> {
  const url = new URL(opts.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const once = (path: string) =>
    new Promise<number>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers: opts.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end();
    });
  const phase = async (ms: number, record: boolean) => {
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          const status = await once(opts.path());
          if (record) {
            latencies.push(performance.now() - t);
            if (status !== 200) errors++;
          }
        }
      }),
    );
  };
  await phase(opts.warmupMs ?? 1000, false);
  const t0 = performance.now();
  await phase(opts.durationMs, true);
  const durationMs = performance.now() - t0;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    name: opts.name,
    requests: latencies.length,
    errors,
    durationMs: Math.round(durationMs),
    rps: Math.round((latencies.length / durationMs) * 1000),
    p50: round(percentile(latencies, 50)),
    p90: round(percentile(latencies, 90)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? NaN),
  };
}
