import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../../bench/start-server.ts';

const run = promisify(execFile);
const VAXEL = join(import.meta.dirname, '..', '..', 'bin', 'vaxel.js');

describe('vaxel CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vaxel-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, seeds the demo organization, creates an admin and starts serving it', async () => {
    const migrate = await run(process.execPath, [VAXEL, 'migrate', '--data', dir]);
    // A new data folder starts from the migrated template, so there may be nothing left to apply.
    expect(migrate.stdout).toMatch(/0001-initial|up to date/);
    const again = await run(process.execPath, [VAXEL, 'migrate', '--data', dir]);
    expect(again.stdout).toContain('up to date');

    const demo = await run(process.execPath, [VAXEL, 'demo', '--data', dir]);
    expect(demo.stdout).toContain('20 users');
    expect(demo.stdout).toMatch(/Org admin: anne\.jensen@nordlys\.example/);
    const demoAgain = await run(process.execPath, [VAXEL, 'demo', '--data', dir]);
    expect(demoAgain.stdout).toContain('already exists');

    await run(process.execPath, [VAXEL, 'admin', 'create', '--data', dir, '--email', 'ops@example.net', '--password', 'a-long-password']);

    const server = await startServerProcess(dir);
    try {
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ops@example.net', password: 'a-long-password' }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const orgs = (await (await fetch(`${server.url}/api/v1/organizations`, { headers: { cookie } })).json()) as { items: { id: string; slug: string }[] };
      const demoOrg = orgs.items.find((o) => o.slug === 'nordlys-rejser')!;
      const users = (await (await fetch(`${server.url}/api/v1/organizations/${demoOrg.id}/users?limit=1`, { headers: { cookie } })).json()) as {
        total: number;
      };
      expect(users.total).toBe(20);
      const portal = await fetch(`${server.url}/`);
      expect(portal.status).toBe(200);
      expect(await portal.text()).toContain('<title>Vaxel</title>');
      expect((await fetch(`${server.url}/portal.js`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('refuses a bad port with a clear message and exit code 2', async () => {
    await expect(run(process.execPath, [VAXEL, 'start', '--data', dir, '--http-port', 'eighty'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--http-port'),
    });
  });
});
