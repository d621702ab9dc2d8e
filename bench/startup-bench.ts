import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from './start-server.ts';

// `vaxel start` on an empty data folder until /healthz answers; three cold starts, each its own folder.
const runs: number[] = [];
for (let i = 0; i < 3; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'vaxel-startup-'));
  try {
    const server = await startServerProcess(dir);
    runs.push(server.healthyAfterMs);
    console.log(`cold start ${i + 1}: /healthz answered after ${Math.round(server.healthyAfterMs)} ms`);
    await server.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
runs.sort((a, b) => a - b);
console.log(JSON.stringify({ bench: 'startup', healthz_ms_median: Math.round(runs[1]!), healthz_ms_max: Math.round(runs[2]!), runs: runs.length }));
