import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi, type TestApi } from '../test-app.ts';

async function login(api: TestApi, username: string, password: string) {
  const res = await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  const cookie = res.cookies.find((c) => c.name === 'vaxel_session');
  return { res, cookie, body: res.json() };
}

describe('authentication and sessions', () => {
  const api = useTestApi();

  it('logs in with a password, sets an HttpOnly SameSite cookie and reads the session', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { password: 'correct horse battery', role: 'org_admin' });
    const { res, cookie, body } = await login(api(), u.username, 'correct horse battery');
    expect(res.statusCode).toBe(200);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(body.principal).toMatchObject({ kind: 'user', role: 'org_admin', orgId: org.orgId });
    const session = await api().app.inject({ method: 'GET', url: '/api/v1/session', cookies: { vaxel_session: cookie!.value } });
    expect(session.json().csrfToken).toBe(body.csrfToken);
  });

  it('stores passwords as argon2id hashes', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { password: 'correct horse battery' });
    const row = await api().store.auth.findLoginUser(u.username);
    expect(row?.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a cookie-authenticated write without the CSRF header and accepts it with it', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { password: 'correct horse battery', role: 'org_admin' });
    const { cookie, body } = await login(api(), u.username, 'correct horse battery');
    const url = `/api/v1/organizations/${org.orgId}/sites`;
    const without = await api().app.inject({ method: 'POST', url, cookies: { vaxel_session: cookie!.value }, payload: { name: 'HQ' } });
    expect(without.statusCode).toBe(403);
    expect(without.json().error).toMatchObject({ code: 'csrf_failed', field: 'x-csrf-token' });
    const wrong = await api().app.inject({
      method: 'POST',
      url,
      cookies: { vaxel_session: cookie!.value },
      headers: { 'x-csrf-token': 'nope' },
      payload: { name: 'HQ' },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await api().app.inject({
      method: 'POST',
      url,
      cookies: { vaxel_session: cookie!.value },
      headers: { 'x-csrf-token': body.csrfToken },
      payload: { name: 'HQ' },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('answers a wrong password and an unknown user the same way', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { password: 'correct horse battery' });
    const wrong = await login(api(), u.username, 'wrong password');
    const unknown = await login(api(), 'nobody@example.test', 'wrong password');
    expect(wrong.res.statusCode).toBe(401);
    expect(unknown.res.statusCode).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.cookie).toBeUndefined();
  });

  it('slows down repeated failures and then locks the account, even for the right password', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { password: 'correct horse battery' });
    for (let i = 0; i < 3; i++) expect((await login(api(), u.username, 'bad')).res.statusCode).toBe(401);
    const throttled = await login(api(), u.username, 'correct horse battery');
    expect(throttled.res.statusCode).toBe(429);
    expect(throttled.body.error.code).toBe('login_throttled');
    expect(throttled.res.headers['retry-after']).toBe('1');
    for (let i = 0; i < 7; i++) {
      api().clock.advance(31_000);
      expect((await login(api(), u.username, 'bad')).res.statusCode).toBe(401);
    }
    api().clock.advance(31_000);
    const locked = await login(api(), u.username, 'correct horse battery');
    expect(locked.res.statusCode).toBe(423);
    expect(locked.body.error.code).toBe('account_locked');
    api().clock.advance(16 * 60_000);
    expect((await login(api(), u.username, 'correct horse battery')).res.statusCode).toBe(200);
  });

  it('ends the session at logout', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { password: 'correct horse battery' });
    const { cookie, body } = await login(api(), u.username, 'correct horse battery');
    const out = await api().app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { vaxel_session: cookie!.value },
      headers: { 'x-csrf-token': body.csrfToken },
    });
    expect(out.statusCode).toBe(204);
    const after = await api().app.inject({ method: 'GET', url: '/api/v1/session', cookies: { vaxel_session: cookie!.value } });
    expect(after.statusCode).toBe(401);
  });

  it('expires sessions after their lifetime', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { password: 'correct horse battery' });
    const { cookie } = await login(api(), u.username, 'correct horse battery');
    api().clock.advance(9 * 3600_000);
    const after = await api().app.inject({ method: 'GET', url: '/api/v1/session', cookies: { vaxel_session: cookie!.value } });
    expect(after.statusCode).toBe(401);
  });

  it('creates, uses and revokes an API token; the secret is shown once', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { role: 'org_admin' });
    const created = await u.as.post('/api/v1/api-tokens', { name: 'automation' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^vxl_/);
    const list = await u.as.get('/api/v1/api-tokens');
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    const use = await api().app.inject({
      method: 'GET',
      url: `/api/v1/organizations/${org.orgId}`,
      headers: { authorization: `Bearer ${created.body.token}` },
    });
    expect(use.statusCode).toBe(200);
    expect((await u.as.delete(`/api/v1/api-tokens/${created.body.id}`)).status).toBe(204);
    const after = await api().app.inject({
      method: 'GET',
      url: `/api/v1/organizations/${org.orgId}`,
      headers: { authorization: `Bearer ${created.body.token}` },
    });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it('answers requests without credentials with 401 and a malformed Authorization header with 401 naming it', async () => {
    const org = await createTestOrg(api());
    const none = await api().app.inject({ method: 'GET', url: `/api/v1/organizations/${org.orgId}/users` });
    expect(none.statusCode).toBe(401);
    const bad = await api().app.inject({ method: 'GET', url: `/api/v1/organizations/${org.orgId}/users`, headers: { authorization: 'Basic abc' } });
    expect(bad.json().error).toMatchObject({ code: 'unauthenticated', field: 'authorization' });
  });

  it('validates the login body', async () => {
    const res = await api().app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a@b.c' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('password');
  });
});

describe('password changes end sessions', () => {
  const api = useTestApi();

  it('ends the other sessions when users change their own password, and all when an admin sets one', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org, { password: 'first password 1' });
    const a = await login(api(), u.username, 'first password 1');
    const b = await login(api(), u.username, 'first password 1');
    const change = await api().app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      cookies: { vaxel_session: a.cookie!.value },
      headers: { 'x-csrf-token': a.body.csrfToken },
      payload: { password: { current: 'first password 1', new: 'second password 2' } },
    });
    expect(change.statusCode).toBe(200);
    const session = (c: string) => api().app.inject({ method: 'GET', url: '/api/v1/session', cookies: { vaxel_session: c } });
    expect((await session(a.cookie!.value)).statusCode).toBe(200);
    expect((await session(b.cookie!.value)).statusCode).toBe(401);
    await org.provider.patch(`/api/v1/organizations/${org.orgId}/users/${u.id}`, { password: 'third password 3' });
    expect((await session(a.cookie!.value)).statusCode).toBe(401);
  });
});
