import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { TOKEN_PREFIX } from '../api/auth/authenticate.ts';
import { hashPassword, newToken, tokenHash } from '../api/auth/secrets.ts';
import { userSearchText } from '../store/repos/users-repo.ts';
import type { Store } from '../store/store.ts';
import type { StoreConnection } from '../store/connect.ts';

const FIRST = [
  'Anne',
  'Mads',
  'Sofie',
  'Søren',
  'Line',
  'Frederik',
  'Ida',
  'Mikkel',
  'Emma',
  'Jonas',
  'Freja',
  'Oliver',
  'Clara',
  'Lukas',
  'Astrid',
  'Noah',
  'Karoline',
  'Åse',
  'Agnes',
  'Victor',
];
const LAST = [
  'Jensen',
  'Nielsen',
  'Hansen',
  'Ærbøl',
  'Pedersen',
  'Andersen',
  'Christensen',
  'Larsen',
  'Sørensen',
  'Rasmussen',
  'Jørgensen',
  'Petersen',
  'Madsen',
  'Kristensen',
  'Olsen',
  'Thomsen',
  'Poulsen',
  'Johansen',
  'Møller',
  'Mortensen',
  'Knudsen',
  'Jakobsen',
  'Holm',
  'Lund',
  'Berg',
];

export interface LargeOrg {
  orgId: string;
  userIds: string[];
  token: string;
  searchTerms: string[];
}

/**
 * Bulk-loads one organization with `users` users (lines, 1–3 of 20 groups each, settings on every
 * level) straight into the tables; going through the API would measure the seeding, not the reads.
 */
export async function seedLargeOrg(store: Store, conn: StoreConnection, users: number): Promise<LargeOrg> {
  const db = conn.db;
  const org = await store.organizations.create({
    name: 'Bench Org',
    slug: `bench-${Date.now()}`,
    timeZone: 'Europe/Copenhagen',
    defaultLanguage: 'da',
    sipDomain: `bench-${Date.now()}.vaxel.test`,
  });
  const orgId = org.id;
  await store.numbers.createRange(orgId, { kind: 'public', start: '+4599000000', end: '+4599099999' });
  await store.numbers.createRange(orgId, { kind: 'internal', start: '100000', end: '199999' });
  const groups = [];
  for (let g = 0; g < 20; g++) groups.push(await store.groups.create(orgId, { name: `Group ${g + 1}`, priority: g + 1 }));
  await store.settings.put(orgId, 'organization', orgId, 'music_on_hold.class', 'fpm-calmriver');
  await store.settings.put(orgId, 'organization', orgId, 'pickup.groups', [groups[0]!.id]);
  await store.settings.put(orgId, 'organization', orgId, 'transfer.ring_time_seconds', 25);
  await store.settings.put(orgId, 'organization', orgId, 'sms.allowed', false);
  for (const [i, g] of groups.entries()) {
    await store.settings.put(orgId, 'group', g.id, 'music_on_hold.class', ['fpm-sunshine', 'fpm-worldmix'][i % 2]);
    await store.settings.put(orgId, 'group', g.id, 'pickup.groups', [g.id]);
    if (i % 3 === 0) await store.settings.put(orgId, 'group', g.id, 'sms.allowed', true);
  }

  const userIds: string[] = [];
  const batch = 500;
  for (let start = 0; start < users; start += batch) {
    const rows = [];
    const lines = [];
    const members = [];
    const assignments = [];
    const settings = [];
    for (let i = start; i < Math.min(users, start + batch); i++) {
      const id = randomUUID();
      userIds.push(id);
      const first = FIRST[i % FIRST.length]!;
      const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
      const ext = String(100000 + i);
      const pub = `+45990${String(i).padStart(5, '0')}`;
      const dir = [i % 2 ? 'Dansk' : 'Svensk', `Team ${i % 50}`, '', '', '', ''];
      const u = {
        username: `user${i}@bench.example`,
        first_name: first,
        last_name: last,
        caller_id: null,
        external_id: `ext-${i}`,
        forward_number: null,
        role: 'user' as const,
        license: 'standard',
        calendar_sync_id: null,
        directory_fields: dir,
      };
      rows.push({
        id,
        org_id: orgId,
        username: u.username,
        first_name: first,
        last_name: last,
        language: 'da',
        license: 'standard',
        role: 'user' as const,
        allowed_apps: '[]',
        external_id: u.external_id,
        directory_fields: JSON.stringify(dir),
        search_text: userSearchText(u, [{ number: pub, alias_extension: ext }]),
        site_id: null,
        password_hash: null,
        caller_id: null,
        forward_number: null,
        photo_url: null,
        calendar_sync_id: null,
      });
      lines.push({ org_id: orgId, user_id: id, slot: 'primary' as const, number: pub, line_type: 'office_fixed' as const, alias_extension: ext });
      assignments.push({ org_id: orgId, number: pub, owner_kind: 'user', owner_id: id }, { org_id: orgId, number: ext, owner_kind: 'user', owner_id: id });
      for (let k = 0; k <= i % 3; k++) members.push({ org_id: orgId, group_id: groups[(i + k * 7) % 20]!.id, user_id: id });
      if (i % 10 === 0) settings.push({ org_id: orgId, level: 'user' as const, target_id: id, key: 'music_on_hold.class', value: JSON.stringify('fpm-all') });
    }
    await db.insertInto('users').values(rows).execute();
    await db.insertInto('lines').values(lines).execute();
    await db.insertInto('number_assignments').values(assignments).execute();
    await db.insertInto('group_members').values(members).execute();
    if (settings.length) await db.insertInto('settings').values(settings).execute();
  }
  const admin = await store.auth.upsertProviderAdmin(
    `bench-${Date.now()}@vaxel.test`,
    'Bench',
    await hashPassword('bench-password', { memoryCost: 1024, timeCost: 1 }),
  );
  const token = newToken(TOKEN_PREFIX);
  await store.auth.createApiToken({ tokenHash: tokenHash(token), kind: 'provider', principalId: admin.id, orgId: null, name: 'bench' });
  await sql`analyze`.execute(db);
  return { orgId, userIds, token, searchTerms: ['søren', 'jensen', 'team 7', 'user123', '+459900042', 'anne holm', 'ærbøl', 'ext-99'] };
}
