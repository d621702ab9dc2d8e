import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi } from '../test-app.ts';

describe('/me API', () => {
  const api = useTestApi();

  it('returns my own user for every organization role, and 404 for a provider admin', async () => {
    const org = await createTestOrg(api());
    for (const role of ['user', 'full_access', 'group_admin', 'org_admin']) {
      const u = await createTestUser(api(), org, { role, firstName: 'Jørgen' });
      const me = await u.as.get('/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: u.id, username: u.username, role, firstName: 'Jørgen' });
      expect(me.body).not.toHaveProperty('password_hash');
    }
    expect((await org.provider.get('/api/v1/me')).status).toBe(404);
    expect((await api().app.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('changes my language and forwarding number and audits me as the actor', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const res = await u.as.patch('/api/v1/me', { language: 'sv', forwardNumber: '+45 20 30 40 50' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ language: 'sv', forwardNumber: '+4520304050' });
    const cleared = await u.as.patch('/api/v1/me', { forwardNumber: null });
    expect(cleared.body.forwardNumber).toBeNull();
    const audit = await api().store.audit.list(org.orgId, { limit: 10, offset: 0, action: 'user.self_update' });
    expect(audit.items.map((a) => [a.actor_id, a.resource_id])).toEqual([
      [u.id, u.id],
      [u.id, u.id],
    ]);
  });

  it('refuses fields users may not change themselves and bad values, changing nothing', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ role: 'org_admin' }, 'unknown_field', 'role'],
      [{ directoryFields: ['a', '', '', '', '', ''] }, 'unknown_field', 'directoryFields'],
      [{ language: 'xx' }, 'validation_failed', 'language'],
      [{ forwardNumber: 'abc' }, 'validation_failed', 'forwardNumber'],
      [{ password: { current: 'x' } }, 'validation_failed', 'password.new'],
      [{ password: { current: 'x', new: 'short' } }, 'validation_failed', 'password.new'],
    ];
    for (const [body, code, field] of cases) {
      const res = await u.as.patch('/api/v1/me', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error, JSON.stringify(body)).toMatchObject({ code, field });
    }
    expect((await u.as.get('/api/v1/me')).body).toMatchObject({ role: 'user', language: 'da' });
  });

  it('changes my password only with the right current password', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { password: 'first-password-1' });
    const wrong = await u.as.patch('/api/v1/me', { language: 'en', password: { current: 'not-my-password', new: 'second-password-2' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'validation_failed', field: 'password.current' });
    expect((await u.as.get('/api/v1/me')).body.language).toBe('da');
    const ok = await u.as.patch('/api/v1/me', { password: { current: 'first-password-1', new: 'second-password-2' } });
    expect(ok.status).toBe(200);
    const login = await api().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: u.username, password: 'second-password-2' } });
    expect(login.statusCode).toBe(200);
    const old = await api().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: u.username, password: 'first-password-1' } });
    expect(old.statusCode).toBe(401);
    const audit = await api().store.audit.list(org.orgId, { limit: 10, offset: 0, action: 'user.self_update' });
    expect(JSON.stringify(audit.items)).not.toContain('second-password-2');
    const noPassword = await createTestUser(api(), org);
    const none = await noPassword.as.patch('/api/v1/me', { password: { current: '', new: 'whatever-123' } });
    expect(none.body.error.field).toBe('password.current');
  });

  it('lists only my devices, without SIP passwords', async () => {
    const org = await createTestOrg(api());
    const me = await createTestUser(api(), org);
    const other = await createTestUser(api(), org);
    const devices = `/api/v1/organizations/${org.orgId}/devices`;
    await org.provider.post(devices, { kind: 'softphone', userId: me.id });
    const sip = await org.provider.post(devices, { kind: 'sip_account', userId: me.id, sipUsername: `me-${org.orgId.slice(0, 8)}`, shownAs: 'analog' });
    await org.provider.post(devices, { kind: 'softphone', userId: other.id });
    const mine = await me.as.get('/api/v1/me/devices');
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(2);
    expect(mine.body.items.every((d: { userId: string }) => d.userId === me.id)).toBe(true);
    expect(JSON.stringify(mine.body)).not.toContain(sip.body.sipPassword);
    expect((await me.as.get('/api/v1/me/devices?kind=sip_account')).body.items).toHaveLength(1);
    expect((await org.provider.get('/api/v1/me/devices')).status).toBe(404);
  });
});
