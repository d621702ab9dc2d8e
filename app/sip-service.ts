import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { RegistrationRow } from '../store/repos/registrations-repo.ts';
import { OrganizationNotFoundError } from '../store/repos/sip-accounts-repo.ts';
import { SipServer, type SipServerOptions } from '../sip/sip-server.ts';
import { SipDirectory, buildSipOrg, convertForUser, type SipOrgSnapshot } from '../sip/directory.ts';
import type { Binding } from '../sip/registrar/location.ts';
import { BindingWriter, CdrWriter } from './sip-writers.ts';

export interface SipServiceConfig {
  host: string;
  udpPort: number | null;
  tcpPort: number | null;
  tlsPort: number | null;
  wsPort: number | null;
  dataDir: string | null;
  noAnswerMs?: number;
  guard?: SipServerOptions['guard'];
  algorithms?: SipServerOptions['algorithms'];
  /** How often bindings and CDRs are written behind (ms). */
  flushMs?: number;
}

export interface SipService {
  server: SipServer;
  /** Writes every pending binding and CDR now. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

type Listen = (channel: string, onMessage: (payload: string) => void, onGap: () => void) => Promise<void>;

/**
 * Runs the SIP service on the store: the directory of organizations is loaded at start and
 * reloaded when an organization's configuration changes (NOTIFY vaxel_org_data); bindings and
 * CDRs are written behind in batches, so a REGISTER or a hang-up never waits for the database.
 * A crash loses at most `flushMs` of them: phones re-register, and a CDR lost is a call's record
 * — accepted for now and stated in docs/decisions.md.
 */
export async function startSipService(
  store: Store,
  listen: Listen | null,
  config: SipServiceConfig,
  log: (event: string, fields: Record<string, unknown>) => void,
  securityLog: (line: string) => void,
): Promise<SipService> {
  const directory = new SipDirectory();
  const loadOrg = async (orgId: string) => {
    try {
      const snap = (await store.sipAccounts.loadOrg(orgId)) as unknown as SipOrgSnapshot;
      directory.put(buildSipOrg(snap));
    } catch (err) {
      if (err instanceof OrganizationNotFoundError) directory.remove(orgId);
      else throw err;
    }
  };
  const orgs = await store.sipAccounts.listOrgIdsAndDomains();
  for (const o of orgs) await loadOrg(o.id);

  const bindings = new BindingWriter(store);
  const cdrs = new CdrWriter(store);
  const opts: SipServerOptions = {
    transport: {
      host: config.host,
      udpPort: config.udpPort,
      tcpPort: config.tcpPort,
      tlsPort: config.tlsPort,
      wsPort: config.wsPort,
      ...(config.tlsPort !== null && config.dataDir ? { tls: { dataDir: config.dataDir } } : {}),
    },
    directory,
    nonceSecret: randomBytes(32),
    bindings,
    cdr: cdrs,
    ...(config.noAnswerMs !== undefined ? { noAnswerMs: config.noAnswerMs } : {}),
    ...(config.guard !== undefined ? { guard: config.guard } : {}),
    ...(config.algorithms ? { algorithms: config.algorithms } : {}),
    securityLog,
    log,
    convertNumber: (org, userId, n) => convertForUser(org, userId, n),
  };
  const server = new SipServer(opts);

  // Restore persisted bindings before the first REGISTER can arrive.
  const now = new Date();
  for (const o of orgs) {
    for (const r of await store.registrations.loadUnexpired(o.id, now)) {
      const b = fromRow(r);
      server.location.restore(b, now.getTime());
      bindings.restored(b);
    }
  }
  await server.start();

  let reloading = Promise.resolve();
  const pending = new Set<string>();
  let scheduled = false;
  const reload = (orgId: string | null) => {
    if (orgId) pending.add(orgId);
    else for (const o of directory.all()) pending.add(o.id);
    if (scheduled) return;
    scheduled = true;
    // Coalesce bursts (a CSV import touches one organization thousands of times).
    setTimeout(() => {
      scheduled = false;
      const ids = [...pending];
      pending.clear();
      reloading = reloading
        .then(async () => {
          for (const id of ids) await loadOrg(id);
          server.directoryChanged();
        })
        .catch((err: unknown) => log('sip_directory_reload_failed', { error: err instanceof Error ? err.message : String(err) }));
    }, 50);
  };
  if (listen) {
    await listen(
      'vaxel_org_data',
      (orgId) => reload(orgId),
      () => reload(null),
    );
  }
  const flushMs = config.flushMs ?? 1000;
  const flush = async () => {
    await bindings.flush();
    await cdrs.flush();
  };
  let flushing: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (flushing) return;
    flushing = flush()
      .catch((err: unknown) => log('sip_flush_failed', { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        flushing = null;
      });
  }, flushMs);
  const expiryTimer = setInterval(() => {
    void store.registrations.deleteExpired(new Date()).catch(() => {});
  }, 60_000);
  return {
    server,
    flush: async () => {
      if (flushing) await flushing;
      await flush();
    },
    close: async () => {
      clearInterval(timer);
      clearInterval(expiryTimer);
      await server.close();
      await reloading;
      if (flushing) await flushing;
      await flush();
    },
  };
}

function fromRow(r: RegistrationRow): Binding {
  return {
    orgId: r.orgId,
    deviceId: r.deviceId,
    aor: r.aor,
    contact: r.contact,
    callId: r.callId,
    cseq: r.cseq,
    q: r.q,
    instanceId: r.instanceId,
    regId: r.regId,
    expiresAt: r.expiresAt.getTime(),
    source: { transport: r.receivedTransport as Binding['source']['transport'], address: r.receivedAddress, port: r.receivedPort },
    userAgent: r.userAgent,
    path: r.path,
  };
}
