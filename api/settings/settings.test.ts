import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../core/settings/catalogue.ts';
import { createTestOrg, createTestUser, useTestApi, type TestOrg } from '../test-app.ts';

const orgUrl = (org: TestOrg) => `/api/v1/organizations/${org.orgId}`;

async function group(org: TestOrg, name: string): Promise<string> {
  const res = await org.provider.post(`${orgUrl(org)}/groups`, { name });
  if (res.status !== 201) throw new Error(`create group: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

describe('settings catalogue', () => {
  const api = useTestApi();

  it('lists every definition with levels, value type, default and whether it is summed', async () => {
    const org = await createTestOrg(api());
    const user = await createTestUser(api(), org);
    const res = await user.as.get('/api/v1/settings/catalogue');
    expect(res.status).toBe(200);
    expect(res.body.items.map((d: { key: string }) => d.key)).toEqual(SETTINGS.map((d) => d.key));
    const byKey = new Map(res.body.items.map((d: { key: string }) => [d.key, d]));
    expect(byKey.get('transfer.ring_time_seconds')).toMatchObject({
      category: 'call_transfer',
      levels: ['organization', 'group', 'user'],
      type: 'integer',
      valueType: { type: 'integer', min: 5, max: 300 },
      default: 20,
      summed: false,
    });
    expect(byKey.get('sms.allowed')).toMatchObject({ type: 'boolean', valueType: { type: 'boolean' }, default: false, summed: true });
    expect(byKey.get('pickup.groups')).toMatchObject({ type: 'set', summed: true, default: [] });
    expect(byKey.get('security.password_min_length')).toMatchObject({ levels: ['organization'] });
    const userLevel = await user.as.get('/api/v1/settings/catalogue?level=user');
    expect(userLevel.body.items.some((d: { key: string }) => d.key === 'security.password_min_length')).toBe(false);
    expect((await user.as.get('/api/v1/settings/catalogue?category=voicemail')).body.items.every((d: { category: string }) => d.category === 'voicemail')).toBe(
      true,
    );
    expect((await user.as.get('/api/v1/settings/catalogue?level=planet')).body.error).toMatchObject({ code: 'validation_failed', field: 'level' });
  });

  it('asks who is calling', async () => {
    const res = await api().app.inject({ method: 'GET', url: '/api/v1/settings/catalogue' });
    expect(res.statusCode).toBe(401);
  });
});

describe('settings levels API', () => {
  const api = useTestApi();

  it('sets, reads, lists and removes a value on the organization, a group and a user', async () => {
    const org = await createTestOrg(api());
    const g = await group(org, 'Sales');
    const u = await createTestUser(api(), org);
    for (const base of [orgUrl(org), `${orgUrl(org)}/groups/${g}`, `${orgUrl(org)}/users/${u.id}`]) {
      const put = await org.provider.put(`${base}/settings/transfer.ring_time_seconds`, { value: 45 });
      expect(put.status, base).toBe(200);
      expect(put.body).toMatchObject({ key: 'transfer.ring_time_seconds', value: 45 });
      expect((await org.provider.put(`${base}/settings/transfer.ring_time_seconds`, { value: 50 })).body.value).toBe(50);
      await org.provider.put(`${base}/settings/applications.allowed`, { value: ['ipad', 'web_softphone', 'ipad'] });
      const list = await org.provider.get(`${base}/settings`);
      expect(list.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
      expect(list.body.items.map((s: { key: string; value: unknown }) => [s.key, s.value])).toEqual([
        ['applications.allowed', ['web_softphone', 'ipad']],
        ['transfer.ring_time_seconds', 50],
      ]);
      expect((await org.provider.get(`${base}/settings?q=ring`)).body.total).toBe(1);
      expect((await org.provider.get(`${base}/settings/transfer.ring_time_seconds`)).body.value).toBe(50);
      expect((await org.provider.delete(`${base}/settings/transfer.ring_time_seconds`)).status).toBe(204);
      const gone = await org.provider.get(`${base}/settings/transfer.ring_time_seconds`);
      expect(gone.status).toBe(404);
      expect(gone.body.error).toMatchObject({ code: 'not_found', field: 'key' });
      expect((await org.provider.delete(`${base}/settings/transfer.ring_time_seconds`)).status).toBe(404);
    }
  });

  it('answers 404 naming key for an unknown setting and 400 for a level the setting does not exist on', async () => {
    const org = await createTestOrg(api());
    const g = await group(org, 'G');
    const u = await createTestUser(api(), org);
    const unknown = await org.provider.put(`${orgUrl(org)}/settings/no.such.setting`, { value: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'not_found', field: 'key' });
    expect((await org.provider.get(`${orgUrl(org)}/users/${u.id}/settings/no.such.setting`)).body.error).toMatchObject({ code: 'not_found', field: 'key' });
    const orgOnly = await org.provider.put(`${orgUrl(org)}/groups/${g}/settings/security.password_min_length`, { value: 10 });
    expect(orgOnly.status).toBe(400);
    expect(orgOnly.body.error).toMatchObject({ code: 'validation_failed', field: 'key' });
    expect(orgOnly.body.error.message).toContain('organization');
    const notUser = await org.provider.put(`${orgUrl(org)}/users/${u.id}/settings/routing.allowed_destinations`, { value: ['voicemail'] });
    expect(notUser.body.error).toMatchObject({ code: 'validation_failed', field: 'key' });
    expect((await org.provider.put(`${orgUrl(org)}/settings/security.password_min_length`, { value: 10 })).status).toBe(200);
  });

  it('refuses invalid values with the reason, naming value, and writes nothing', async () => {
    const org = await createTestOrg(api());
    const g = await group(org, 'Real');
    const other = await createTestOrg(api());
    const foreign = await group(other, 'Foreign');
    const url = (key: string) => `${orgUrl(org)}/settings/${key}`;
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['transfer.ring_time_seconds', { value: 'slow' }, 'value', 'expected an integer'],
      ['transfer.ring_time_seconds', { value: 4 }, 'value', 'between 5 and 300'],
      ['transfer.ring_time_seconds', { value: 20.5 }, 'value', 'expected an integer'],
      ['sms.allowed', { value: 'yes' }, 'value', 'expected a boolean'],
      ['music_on_hold.class', { value: 'polka' }, 'value', 'is not one of'],
      ['personal_queue.forward_number', { value: 'call me' }, 'value', 'does not match'],
      ['applications.allowed', { value: ['fax'] }, 'value', 'is not one of'],
      ['applications.allowed', { value: 'ipad' }, 'value', 'expected a list'],
      ['pickup.groups', { value: [g, foreign] }, 'value.1', 'does not exist'],
      ['pickup.groups', { value: ['not a group'] }, 'value.0', 'does not exist'],
      ['pickup.groups', { value: [null] }, 'value', 'must be a string'],
      ['sms.allowed', { value: null }, 'value', 'expected a boolean'],
      ['sms.allowed', {}, 'value', 'required'],
      ['sms.allowed', { value: true, extra: 1 }, 'extra', 'Unknown field'],
    ];
    for (const [key, body, field, reason] of cases) {
      const res = await org.provider.put(url(key), body);
      expect(res.status, `${key} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.field).toBe(field);
      expect(res.body.error.message).toContain(reason);
    }
    expect((await org.provider.get(`${orgUrl(org)}/settings`)).body.total).toBe(0);
    expect((await org.provider.put(url('pickup.groups'), { value: [g] })).body.value).toEqual([g]);
  });

  it('lets only organization admins write organization values; group admins work inside their scope', async () => {
    const org = await createTestOrg(api());
    const [admins, managed, other] = [await group(org, 'Admins'), await group(org, 'Managed'), await group(org, 'Other')];
    await org.provider.put(`${orgUrl(org)}/groups/${admins}/administers`, { groupIds: [managed] });
    const ga = await createTestUser(api(), org, { role: 'group_admin', groupIds: [admins] });
    const inScope = await createTestUser(api(), org, { groupIds: [managed] });
    const outOfScope = await createTestUser(api(), org, { groupIds: [other] });
    const key = 'settings/transfer.ring_time_seconds';
    expect((await ga.as.put(`${orgUrl(org)}/${key}`, { value: 30 })).status).toBe(403);
    expect((await ga.as.get(`${orgUrl(org)}/settings`)).status).toBe(200);
    expect((await ga.as.put(`${orgUrl(org)}/groups/${managed}/${key}`, { value: 30 })).status).toBe(200);
    expect((await ga.as.put(`${orgUrl(org)}/groups/${other}/${key}`, { value: 30 })).status).toBe(404);
    expect((await ga.as.get(`${orgUrl(org)}/groups/${other}/settings`)).status).toBe(404);
    expect((await ga.as.put(`${orgUrl(org)}/users/${inScope.id}/${key}`, { value: 30 })).status).toBe(200);
    expect((await ga.as.put(`${orgUrl(org)}/users/${outOfScope.id}/${key}`, { value: 30 })).status).toBe(404);
    expect((await ga.as.delete(`${orgUrl(org)}/users/${outOfScope.id}/${key}`)).status).toBe(404);
    const orgAdmin = await createTestUser(api(), org, { role: 'org_admin' });
    expect((await orgAdmin.as.put(`${orgUrl(org)}/${key}`, { value: 30 })).status).toBe(200);
    const plain = await createTestUser(api(), org);
    expect((await plain.as.get(`${orgUrl(org)}/users/${plain.id}/settings`)).status).toBe(403);
    expect((await plain.as.put(`${orgUrl(org)}/users/${plain.id}/${key}`, { value: 30 })).status).toBe(403);
    const stranger = await createTestOrg(api());
    const strangerAdmin = await createTestUser(api(), stranger, { role: 'org_admin' });
    expect((await strangerAdmin.as.get(`${orgUrl(org)}/settings`)).status).toBe(404);
    expect((await strangerAdmin.as.put(`${orgUrl(stranger)}/users/${inScope.id}/${key}`, { value: 30 })).status).toBe(404);
    expect((await strangerAdmin.as.put(`${orgUrl(stranger)}/groups/${managed}/${key}`, { value: 30 })).status).toBe(404);
  });

  it('audits each change with the value before and after', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const url = `${orgUrl(org)}/users/${u.id}/settings/personal_queue.max_calls`;
    await org.provider.put(url, { value: 3 });
    await org.provider.put(url, { value: 7 });
    await org.provider.delete(url);
    const log = await org.provider.get(`${orgUrl(org)}/audit-log?resourceType=setting`);
    expect(
      log.body.items.map((e: { action: string; before: { value: unknown } | null; after: { value: unknown } | null }) => [
        e.action,
        e.before?.value ?? null,
        e.after?.value ?? null,
      ]),
    ).toEqual([
      ['setting.delete', 7, null],
      ['setting.put', 3, 7],
      ['setting.put', null, 3],
    ]);
    expect(log.body.items[0].resource).toEqual({ type: 'setting', id: `user/${u.id}/personal_queue.max_calls` });
  });
});
