import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi, type TestOrg } from '../test-app.ts';

const logUrl = (org: TestOrg) => `/api/v1/organizations/${org.orgId}/audit-log`;

describe('audit log API', () => {
  const api = useTestApi();

  it('shows a user change with before, after and the actor, newest first', async () => {
    const org = await createTestOrg(api());
    const admin = await createTestUser(api(), org, { role: 'org_admin', firstName: 'Olga', lastName: 'Admin' });
    const u = await createTestUser(api(), org, { firstName: 'Before', lastName: 'Name' });
    expect((await admin.as.patch(`/api/v1/organizations/${org.orgId}/users/${u.id}`, { firstName: 'After' })).status).toBe(200);
    const res = await admin.as.get(`${logUrl(org)}?resourceType=user&resourceId=${u.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    const [update, create] = res.body.items;
    expect(update).toMatchObject({
      action: 'user.update',
      actor: { kind: 'org_admin', id: admin.id, name: admin.username },
      resource: { type: 'user', id: u.id },
      before: { firstName: 'Before', lastName: 'Name' },
      after: { firstName: 'After', lastName: 'Name' },
    });
    expect(Object.keys(update).sort()).toEqual(['action', 'actor', 'after', 'at', 'before', 'id', 'resource']);
    expect(new Date(update.at).getTime()).not.toBeNaN();
    expect(update.id).toBeGreaterThan(create.id);
    expect(create).toMatchObject({ action: 'user.create', actor: { kind: 'provider' }, before: null });
    expect(JSON.stringify(res.body)).not.toMatch(/password_hash|search_text/);
  });

  it('filters by free text and pages', async () => {
    const org = await createTestOrg(api());
    await org.provider.post(`/api/v1/organizations/${org.orgId}/groups`, { name: 'Audited group' });
    await createTestUser(api(), org);
    const groupsOnly = await org.provider.get(`${logUrl(org)}?q=group.`);
    expect(groupsOnly.body.items.map((e: { action: string }) => e.action)).toEqual(['group.create']);
    const page = await org.provider.get(`${logUrl(org)}?limit=1&offset=1`);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.total).toBeGreaterThanOrEqual(2);
    const oldestFirst = await org.provider.get(`${logUrl(org)}?order=asc&limit=1`);
    expect(oldestFirst.body.items[0].action).toBe('organization.create');
    expect((await org.provider.get(`${logUrl(org)}?limit=100000`)).body.error).toMatchObject({ code: 'validation_failed', field: 'limit' });
    expect((await org.provider.get(`${logUrl(org)}?resourceType=${'x'.repeat(61)}`)).body.error).toMatchObject({ field: 'resourceType' });
  });

  it('cannot be written: POST, PUT, PATCH and DELETE answer 404 or 405 and change nothing', async () => {
    const org = await createTestOrg(api());
    const before = (await org.provider.get(logUrl(org))).body.total;
    for (const res of [
      await org.provider.post(logUrl(org), { action: 'forged' }),
      await org.provider.put(logUrl(org), { action: 'forged' }),
      await org.provider.patch(logUrl(org), { action: 'forged' }),
      await org.provider.delete(logUrl(org)),
      await org.provider.delete(`${logUrl(org)}/1`),
      await org.provider.patch(`${logUrl(org)}/1`, { action: 'forged' }),
    ]) {
      expect([404, 405]).toContain(res.status);
    }
    expect((await org.provider.get(logUrl(org))).body.total).toBe(before);
  });

  it('is for organization admins and the provider only, and never shows another organization', async () => {
    const org = await createTestOrg(api());
    const admins = (await org.provider.post(`/api/v1/organizations/${org.orgId}/groups`, { name: 'Admins' })).body.id as string;
    const ga = await createTestUser(api(), org, { role: 'group_admin', groupIds: [admins] });
    const plain = await createTestUser(api(), org);
    expect((await ga.as.get(logUrl(org))).status).toBe(403);
    expect((await plain.as.get(logUrl(org))).status).toBe(403);
    const other = await createTestOrg(api());
    const otherAdmin = await createTestUser(api(), other, { role: 'org_admin' });
    expect((await otherAdmin.as.get(logUrl(org))).status).toBe(404);
    const mine = await otherAdmin.as.get(logUrl(other));
    expect(mine.body.total).toBeGreaterThan(0);
    expect(mine.body.items.some((e: { resource: { id: string | null } }) => e.resource.id === org.orgId || e.resource.id === plain.id)).toBe(false);
    expect((await api().app.inject({ method: 'GET', url: logUrl(org) })).statusCode).toBe(401);
  });
});
