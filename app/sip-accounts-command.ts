import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expiresInSeconds, receivedFrom } from '../api/sip/presenter.ts';
import type { Store } from '../store/store.ts';
import type { VaxelConfig } from './config.ts';
import { pgliteInUse } from './pglite-in-use.ts';
import { openStore } from './services.ts';

export interface SipAccountsFlags {
  /** Only the organization with this slug. */
  org?: string | undefined;
  json?: boolean | undefined;
}

export interface SipAccountsReport {
  organizations: Array<{
    id: string;
    name: string;
    slug: string;
    sipDomain: string;
    accounts: Array<{
      deviceId: string;
      sipUsername: string;
      address: string;
      kind: string;
      enabled: boolean;
      user: { id: string; name: string } | null;
      registrations: Array<{ contact: string; expiresAt: string; expiresInSeconds: number; userAgent: string; receivedFrom: string }>;
    }>;
  }>;
}

interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

class CommandFailure extends Error {}

/** Every organization (or the one with `slug`), with its devices that have SIP credentials and their unexpired registrations. */
export async function collectSipAccounts(store: Store, now: number, slug?: string): Promise<SipAccountsReport> {
  let orgIds: string[];
  if (slug !== undefined) {
    const match = (await store.organizations.listForProvider({ q: slug, limit: 500, offset: 0 })).items.find((o) => o.slug === slug.toLowerCase());
    if (!match) throw new CommandFailure(`no organization with slug "${slug}"`);
    orgIds = [match.id];
  } else {
    orgIds = (await store.sipAccounts.listOrgIdsAndDomains()).map((o) => o.id);
  }
  const report: SipAccountsReport = { organizations: [] };
  for (const orgId of orgIds) {
    const [snap, org, registrations] = await Promise.all([
      store.sipAccounts.loadOrg(orgId),
      store.organizations.get(orgId),
      store.registrations.listForOrg(orgId, { now: new Date(now) }),
    ]);
    const users = new Map(snap.users.map((u) => [u.id, u.displayName]));
    report.organizations.push({
      id: orgId,
      name: snap.org.name,
      slug: org?.slug ?? '',
      sipDomain: snap.org.sipDomain,
      accounts: snap.devices.map((d) => ({
        deviceId: d.id,
        sipUsername: d.sipUsername,
        address: `${d.sipUsername}@${snap.org.sipDomain}`,
        kind: d.kind,
        enabled: d.enabled,
        user: d.userId ? { id: d.userId, name: users.get(d.userId) ?? '' } : null,
        registrations: registrations
          .filter((r) => r.deviceId === d.id)
          .map((r) => ({
            contact: r.contact,
            expiresAt: r.expiresAt.toISOString(),
            expiresInSeconds: expiresInSeconds(r.expiresAt, now),
            userAgent: r.userAgent,
            receivedFrom: receivedFrom(r),
          })),
      })),
    });
  }
  return report;
}

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
}

export function formatSipAccounts(report: SipAccountsReport): string[] {
  const lines: string[] = [];
  for (const org of report.organizations) {
    if (lines.length > 0) lines.push('');
    lines.push(`${org.name} (${org.slug}) — SIP domain ${org.sipDomain}`);
    if (org.accounts.length === 0) {
      lines.push('  no devices with SIP credentials');
      continue;
    }
    const rows: string[][] = [['ACCOUNT', 'KIND', 'USER', 'REGISTRATIONS']];
    const registrationRows = new Map<number, string[][]>();
    for (const a of org.accounts) {
      rows.push([
        a.address + (a.enabled ? '' : ' (disabled)'),
        a.kind,
        a.user?.name ?? '-',
        a.registrations.length === 0 ? 'not registered' : String(a.registrations.length),
      ]);
      registrationRows.set(
        rows.length - 1,
        a.registrations.map((r) => [r.contact, `expires in ${r.expiresInSeconds} s`, r.userAgent || '-', `from ${r.receivedFrom}`]),
      );
    }
    table(rows).forEach((line, i) => {
      lines.push(`  ${line}`);
      const regs = registrationRows.get(i) ?? [];
      if (regs.length > 0) for (const r of table(regs)) lines.push(`      ${r}`);
    });
  }
  if (report.organizations.length === 0) lines.push('No organizations');
  return lines;
}

/**
 * `vaxel sip accounts`: reads the store directly. The embedded store cannot be shared with a
 * running `vaxel start` (see pgliteInUse); then the running server's API is the way. Answers the
 * process exit code.
 */
export async function sipAccountsCommand(
  config: VaxelConfig,
  flags: SipAccountsFlags,
  io: Output = { out: (s) => console.log(s), err: (s) => console.error(s) },
): Promise<number> {
  if (config.store.engine === 'pglite') {
    const dir = config.store.dataDir;
    if (!existsSync(join(dir, 'PG_VERSION'))) {
      io.err(`vaxel: there is no Vaxel store in ${dir}. Pass the data folder of your installation with --data (or VAXEL_DATA_DIR), or DATABASE_URL.`);
      return 1;
    }
    if (pgliteInUse(dir)) {
      io.err(
        `vaxel: the embedded store in ${dir} is in use by a running Vaxel ("vaxel start"), and it cannot be opened twice.\n` +
          `Ask the running server instead: GET /api/v1/organizations/:orgId/sip/registrations (and /devices for the accounts).`,
      );
      return 1;
    }
  }
  const { store, connection } = await openStore(config);
  try {
    const report = await collectSipAccounts(store, Date.now(), flags.org);
    if (flags.json) io.out(JSON.stringify(report, null, 2));
    else for (const line of formatSipAccounts(report)) io.out(line);
    return 0;
  } catch (err) {
    if (!(err instanceof CommandFailure)) throw err;
    io.err(`vaxel: ${err.message}`);
    return 1;
  } finally {
    await connection.close();
  }
}
