import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../core/settings/catalogue.ts';
import { createTestOrg, createTestUser, useTestApi, type TestOrg } from '../test-app.ts';

const orgUrl = (org: TestOrg) => `/api/v1/organizations/${org.orgId}`;

async function group(org: TestOrg, name: string): Promise<string> {
  const res = await org.provider.post(`${orgUrl(org)}/groups`, { name });
  if (res.status !== 201) throw new Error(`create group: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

async function put(org: TestOrg, path: string, key: string, value: unknown): Promise<void> {
  const res = await org.provider.put(`${orgUrl(org)}${path}/settings/${key}`, { value });
  if (res.status !== 200) throw new Error(`put ${key}: ${JSON.stringify(res.body)}`);
}

interface Effective {
  key: string;
  value: unknown;
  source: { level: string; groupId?: string; groupName?: string; priority?: number };
  contributions: { source: { level: string }; value: unknown }[];
}

async function effective(org: TestOrg, userId: string, keys: string): Promise<Map<string, Effective>> {
  const res = await org.provider.get(`${orgUrl(org)}/users/${userId}/effective-settings?keys=${keys}`);
  if (res.status !== 200) throw new Error(`effective: ${JSON.stringify(res.body)}`);
  expect(res.body.userId).toBe(userId);
  return new Map(res.body.items.map((e: Effective) => [e.key, e]));
}

const RING = 'transfer.ring_time_seconds';

describe('effective settings API', () => {
  const api = useTestApi();

  it('takes the user over the best-priority group over the organization over the default, naming the source', async () => {
    const org = await createTestOrg(api());
    const first = await group(org, 'First');
    const second = await group(org, 'Second');
    const u = await createTestUser(api(), org, { groupIds: [first, second] });
    const ring = async () => (await effective(org, u.id, RING)).get(RING)!;

    expect(await ring()).toMatchObject({ value: 20, source: { level: 'default' }, contributions: [] });
    await put(org, '', RING, 40);
    expect(await ring()).toMatchObject({ value: 40, source: { level: 'organization' } });
    await put(org, `/groups/${second}`, RING, 30);
    expect(await ring()).toMatchObject({ value: 30, source: { level: 'group', groupId: second, groupName: 'Second', priority: 2 } });
    await put(org, `/groups/${first}`, RING, 25);
    expect(await ring()).toMatchObject({ value: 25, source: { level: 'group', groupId: first, groupName: 'First', priority: 1 } });
    await org.provider.put(`${orgUrl(org)}/groups/order`, { groupIds: [second, first] });
    expect(await ring()).toMatchObject({ value: 30, source: { level: 'group', groupId: second, priority: 1 } });
    await put(org, `/users/${u.id}`, RING, 15);
    const eff = await ring();
    expect(eff).toMatchObject({ value: 15, source: { level: 'user' } });
    expect(eff.contributions.map((c) => [c.source.level, c.value])).toEqual([
      ['user', 15],
      ['group', 30],
      ['group', 25],
      ['organization', 40],
    ]);
    await org.provider.delete(`${orgUrl(org)}/users/${u.id}/settings/${RING}`);
    expect((await ring()).source.level).toBe('group');
  });

  it('sums permission checkboxes and group lists across levels', async () => {
    const org = await createTestOrg(api());
    const sales = await group(org, 'Sales');
    const support = await group(org, 'Support');
    const reception = await group(org, 'Reception');
    const u = await createTestUser(api(), org, { groupIds: [sales] });
    await put(org, '', 'sms.allowed', false);
    await put(org, `/groups/${sales}`, 'sms.allowed', true);
    await put(org, `/users/${u.id}`, 'sms.allowed', false);
    await put(org, '', 'pickup.groups', [reception]);
    await put(org, `/groups/${sales}`, 'pickup.groups', [support]);
    await put(org, `/users/${u.id}`, 'pickup.groups', []);
    await put(org, '', 'applications.allowed', ['ipad']);
    await put(org, `/users/${u.id}`, 'applications.allowed', ['collaboration']);
    const eff = await effective(org, u.id, 'sms.allowed,pickup.groups,applications.allowed');
    expect(eff.get('sms.allowed')).toMatchObject({ value: true, source: { level: 'group', groupId: sales } });
    expect(eff.get('pickup.groups')?.value).toEqual([reception, support].sort());
    expect(eff.get('pickup.groups')?.source).toMatchObject({ level: 'group', groupId: sales });
    expect(eff.get('applications.allowed')).toMatchObject({ value: ['ipad', 'collaboration'], source: { level: 'user' } });
  });

  it('answers every setting without keys, only the asked ones with keys, and 400 for an unknown key', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const all = await org.provider.get(`${orgUrl(org)}/users/${u.id}/effective-settings`);
    expect(all.body.items.map((e: Effective) => e.key)).toEqual(SETTINGS.map((d) => d.key));
    const some = await org.provider.get(`${orgUrl(org)}/users/${u.id}/effective-settings?keys=sms.allowed,${RING},sms.allowed`);
    expect(some.body.items.map((e: Effective) => e.key)).toEqual(['sms.allowed', RING]);
    const bad = await org.provider.get(`${orgUrl(org)}/users/${u.id}/effective-settings?keys=sms.allowed,nope`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'keys' });
  });

  it('lets a user read their own effective settings and nobody else’s; admins read within scope', async () => {
    const org = await createTestOrg(api());
    const [admins, managed, other] = [await group(org, 'Admins'), await group(org, 'Managed'), await group(org, 'Other')];
    await org.provider.put(`${orgUrl(org)}/groups/${admins}/administers`, { groupIds: [managed] });
    const ga = await createTestUser(api(), org, { role: 'group_admin', groupIds: [admins] });
    const alice = await createTestUser(api(), org, { groupIds: [managed] });
    const bob = await createTestUser(api(), org, { groupIds: [other] });
    const url = (id: string) => `${orgUrl(org)}/users/${id}/effective-settings?keys=${RING}`;
    expect((await alice.as.get(url(alice.id))).status).toBe(200);
    expect((await alice.as.get(url(bob.id))).status).toBe(403);
    expect((await ga.as.get(url(alice.id))).status).toBe(200);
    expect((await ga.as.get(url(bob.id))).status).toBe(404);
    expect((await ga.as.get(url(ga.id))).status).toBe(200);
    expect((await org.provider.get(url('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    const stranger = await createTestOrg(api());
    const strangerUser = await createTestUser(api(), stranger);
    expect((await strangerUser.as.get(url(alice.id))).status).toBe(404);
    expect((await org.provider.get(`${orgUrl(org)}/users/${strangerUser.id}/effective-settings`)).status).toBe(404);
    expect((await org.provider.get(`${orgUrl(org)}/users/not-a-uuid/effective-settings`)).body.error).toMatchObject({ field: 'userId' });
  });
});
