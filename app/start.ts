import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { DEFAULT_PASSWORD_COST, hashPassword } from '../api/auth/secrets.ts';
import { buildApi } from '../api/server.ts';
import type { Store } from '../store/store.ts';
import type { VaxelConfig } from './config.ts';
import { openStore } from './services.ts';
import { serveWeb } from './web.ts';
import { startSipService, type SipService } from './sip-service.ts';

export interface RunningVaxel {
  url: string;
  store: Store;
  sip: SipService;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where SIP security events go, one JSON line each (default: stdout). */
  securityLog?: (line: string) => void;
}

/**
 * Makes sure a provider admin exists: from VAXEL_ADMIN_EMAIL/PASSWORD, or on a first start without
 * them a generated one, written to the data folder so the operator can log in once.
 */
async function ensureProviderAdmin(store: Store, config: VaxelConfig, log: (s: string) => void): Promise<void> {
  const count = await store.auth.countProviderAdmins();
  if (count > 0 && !config.admin) return;
  if (config.admin) {
    if (count === 0 || !(await store.auth.findProviderAdmin(config.admin.email))) {
      await store.auth.upsertProviderAdmin(config.admin.email, 'Provider admin', await hashPassword(config.admin.password, DEFAULT_PASSWORD_COST));
      log(`Provider admin ${config.admin.email} created from VAXEL_ADMIN_EMAIL`);
    }
    return;
  }
  const email = 'admin@vaxel.local';
  const password = randomBytes(12).toString('base64url');
  await store.auth.upsertProviderAdmin(email, 'Provider admin', await hashPassword(password, DEFAULT_PASSWORD_COST));
  const file = join(config.dataDir, 'initial-admin.txt');
  writeFileSync(file, `email: ${email}\npassword: ${password}\n`, { mode: 0o600 });
  log(`First start: provider admin ${email} with password ${password} (also in ${file}; change it with "vaxel admin create")`);
}

/** Starts Vaxel: store (migrated), HTTP API and portal. */
export async function startVaxel(config: VaxelConfig, log: (s: string) => void = (s) => console.log(s), opts: StartOptions = {}): Promise<RunningVaxel> {
  const t0 = performance.now();
  const { store, connection, applied } = await openStore(config);
  if (applied.length > 0) log(`Applied migrations: ${applied.join(', ')}`);
  await ensureProviderAdmin(store, config, log);
  const logger = pino({ level: config.logLevel });
  const app = await buildApi(
    {
      store,
      listen: connection.listen,
      clock: { now: () => Date.now() },
      config: { cookieSecure: config.cookieSecure, sessionTtlMs: 12 * 3600_000, passwordCost: DEFAULT_PASSWORD_COST, maxImportBytes: config.maxImportBytes },
    },
    { logger, extend: serveWeb },
  );
  await app.listen({ port: config.httpPort, host: config.httpHost });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.httpPort;
  const host = config.httpHost === '0.0.0.0' || config.httpHost === '::' ? 'localhost' : config.httpHost;
  const url = `http://${host}:${port}`;
  const sip = await startSipService(
    store,
    connection.listen,
    {
      host: config.sip.host,
      udpPort: config.sipPort,
      tcpPort: config.sipPort,
      tlsPort: config.sip.tlsPort,
      wsPort: config.sip.wsPort,
      dataDir: config.dataDir,
      noAnswerMs: config.sip.noAnswerSeconds * 1000,
      guard: { trustedAddresses: config.sip.trustedAddresses },
      algorithms: config.sip.digestAlgorithms,
    },
    (event, fields) => logger.warn({ event, ...fields }, event),
    opts.securityLog ?? ((line) => process.stdout.write(line + '\n')),
  );
  const sipEndpoints = sip.server.transport
    .endpoints()
    .map((e) => `${e.transport}:${e.port}`)
    .join(', ');
  log(
    `Vaxel is up in ${Math.round(performance.now() - t0)} ms (store: ${config.store.engine === 'pglite' ? `PGlite in ${config.store.dataDir}` : 'PostgreSQL'})`,
  );
  log(`  Portal:   ${url}/`);
  log(`  API:      ${url}/api/v1  (docs ${url}/api/v1/docs, OpenAPI ${url}/api/v1/openapi.json)`);
  log(`  Health:   ${url}/healthz   Metrics: ${url}/metrics`);
  log(`  SIP:      ${config.sip.host} ${sipEndpoints} (registrar and B2BUA; list registrations with "npx vaxel sip accounts")`);
  log(`  Log in as the provider admin (see above, or create one: npx vaxel admin create --email you@example.com)`);
  return {
    url,
    store,
    sip,
    close: async () => {
      await sip.close();
      await app.close();
      await connection.close();
    },
  };
}
