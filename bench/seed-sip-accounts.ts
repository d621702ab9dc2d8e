import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { TOKEN_PREFIX } from '../api/auth/authenticate.ts';
import { hashPassword, newToken, tokenHash } from '../api/auth/secrets.ts';
import type { StoreConnection } from '../store/connect.ts';
import { sipHa1 } from '../store/repos/sip-ha1.ts';
import { userSearchText } from '../store/repos/users-repo.ts';
import type { Store } from '../store/store.ts';

export interface SipAccountsSeed {
  /** Accounts u0..u<count-1>, one user with one line and one sip_account device each. */
  count: number;
  domain: string;
  slug: string;
  password: string;
  /** SIP username (and user) the call bench's SIPp UAS registers as. */
  callee?: string;
}

export interface SeededSipAccounts {
  orgId: string;
  domain: string;
  /** Number of devices with SIP credentials, the callee included. */
  accounts: number;
}

const BATCH = 1000;
/** Extensions start here; the callee gets the last number of the range. */
const FIRST_EXTENSION = 1_000_000;
const LAST_EXTENSION = 1_999_999;

/**
 * Seeds one organization with `count` SIP accounts straight into the tables, in one transaction:
 * going through the repositories (one device at a time, HA1s computed per call) takes minutes for
 * 50,000. The HA1s are those `setDeviceCredentials` would store (sipHa1, realm = the SIP domain).
 */
export async function seedSipAccounts(store: Store, conn: StoreConnection, seed: SipAccountsSeed): Promise<SeededSipAccounts> {
  const org = await store.organizations.create({
    name: `SIP bench ${seed.slug}`,
    slug: seed.slug,
    timeZone: 'Europe/Copenhagen',
    defaultLanguage: 'en',
    sipDomain: seed.domain,
    switchboardNumber: null,
  });
  const orgId = org.id;
  await store.numbers.createRange(orgId, { kind: 'internal', start: String(FIRST_EXTENSION), end: String(LAST_EXTENSION), description: 'bench' });
  const names = Array.from({ length: seed.count }, (_, i) => `u${i}`);
  if (seed.callee) names.push(seed.callee);
  if (names.length > LAST_EXTENSION - FIRST_EXTENSION + 1) throw new Error(`at most ${LAST_EXTENSION - FIRST_EXTENSION} accounts`);

  await conn.db.transaction().execute(async (trx) => {
    for (let start = 0; start < names.length; start += BATCH) {
      const users = [];
      const lines = [];
      const assignments = [];
      const devices = [];
      for (let i = start; i < Math.min(names.length, start + BATCH); i++) {
        const name = names[i]!;
        const userId = randomUUID();
        const isCallee = i === seed.count;
        const extension = String(isCallee ? LAST_EXTENSION : FIRST_EXTENSION + i);
        const username = `${name}@${seed.slug}.example`;
        users.push({
          id: userId,
          org_id: orgId,
          username,
          first_name: name,
          last_name: 'Bench',
          language: 'en',
          license: 'standard',
          role: 'user' as const,
          allowed_apps: '[]',
          directory_fields: JSON.stringify(['', '', '', '', '', '']),
          search_text: userSearchText(
            {
              username,
              first_name: name,
              last_name: 'Bench',
              caller_id: null,
              external_id: null,
              forward_number: null,
              role: 'user',
              license: 'standard',
              calendar_sync_id: null,
              directory_fields: ['', '', '', '', '', ''],
            },
            [{ number: extension, alias_extension: null }],
          ),
          site_id: null,
          password_hash: null,
          caller_id: null,
          forward_number: null,
          photo_url: null,
          calendar_sync_id: null,
          external_id: null,
        });
        lines.push({ org_id: orgId, user_id: userId, slot: 'primary' as const, number: extension, line_type: 'office_fixed' as const, alias_extension: null });
        assignments.push({ org_id: orgId, number: extension, owner_kind: 'user', owner_id: userId });
        const ha1 = sipHa1(name, seed.domain, seed.password);
        devices.push({
          org_id: orgId,
          user_id: userId,
          kind: 'sip_account' as const,
          enabled: true,
          mobile_client_license: false,
          mobile_voip_allowed: false,
          invitation_state: 'not_invited' as const,
          description: '',
          hot_desk: false,
          sip_username: name,
          sip_ha1_md5: ha1.md5,
          sip_ha1_sha256: ha1.sha256,
        });
      }
      await trx.insertInto('users').values(users).execute();
      await trx.insertInto('lines').values(lines).execute();
      await trx.insertInto('number_assignments').values(assignments).execute();
      await trx.insertInto('devices').values(devices).execute();
    }
  });
  await sql`analyze`.execute(conn.db);
  return { orgId, domain: seed.domain, accounts: names.length };
}

/** A provider-level API token (with the provider admin it belongs to), for reading the API from a bench. */
export async function createBenchToken(store: Store): Promise<string> {
  const admin = await store.auth.upsertProviderAdmin(
    `sip-bench-${Date.now()}@vaxel.test`,
    'SIP bench',
    await hashPassword('bench-password', { memoryCost: 1024, timeCost: 1 }),
  );
  const token = newToken(TOKEN_PREFIX);
  await store.auth.createApiToken({ tokenHash: tokenHash(token), kind: 'provider', principalId: admin.id, orgId: null, name: 'sip-bench' });
  return token;
}
