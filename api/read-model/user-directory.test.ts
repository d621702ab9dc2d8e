import { describe, expect, it } from 'vitest';
import { buildApi } from '../server.ts';
import { caller, createTestOrg, createTestUser, TEST_CONFIG, useTestApi } from '../test-app.ts';

describe('user directory read model', () => {
  const api = useTestApi();

  it.each([
    ['notifications', true],
    ['version checks', false],
  ])('shows a change made through another node on the next read (%s)', async (_how, notified) => {
    const org = await createTestOrg(api());
    // A second API instance on the same store stands in for a second node with its own cache.
    const other = await buildApi({
      store: api().store,
      clock: api().clock,
      config: TEST_CONFIG,
      ...(notified && { listen: (c, m, g) => api().connection.listen(c, m, g) }),
    });
    try {
      const otherCaller = caller(other, api().providerToken);
      const url = `/api/v1/organizations/${org.orgId}/users`;
      expect((await otherCaller.get(url)).body.total).toBe(0);
      const u = await createTestUser(api(), org, { firstName: 'Kaj' });
      // Notifications arrive after commit, not with the response: give the other node a moment.
      await new Promise((r) => setTimeout(r, 20));
      expect((await otherCaller.get(url)).body.items.map((x: { id: string }) => x.id)).toEqual([u.id]);
      await org.provider.patch(`${url}/${u.id}`, { firstName: 'Kaja' });
      await new Promise((r) => setTimeout(r, 20));
      expect((await otherCaller.get(url)).body.items[0].firstName).toBe('Kaja');
      await org.provider.delete(`${url}/${u.id}`);
      await new Promise((r) => setTimeout(r, 20));
      expect((await otherCaller.get(url)).body.total).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('sorts names the way the organization language does (Danish: Æ, Ø, Å after Z)', async () => {
    const org = await createTestOrg(api());
    for (const last of ['Åberg', 'Zander', 'Ørsted', 'Ærø', 'Andersen']) await createTestUser(api(), org, { lastName: last });
    const res = await org.provider.get(`/api/v1/organizations/${org.orgId}/users?sort=last_name`);
    expect(res.body.items.map((u: { lastName: string }) => u.lastName)).toEqual(['Andersen', 'Zander', 'Ærø', 'Ørsted', 'Åberg']);
    const desc = await org.provider.get(`/api/v1/organizations/${org.orgId}/users?sort=last_name&order=desc&limit=2&offset=1`);
    expect(desc.body).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(desc.body.items.map((u: { lastName: string }) => u.lastName)).toEqual(['Ørsted', 'Ærø']);
  });

  it('keeps organizations apart: one organization never lists another one’s users', async () => {
    const a = await createTestOrg(api());
    const b = await createTestOrg(api());
    await createTestUser(api(), a, { firstName: 'OnlyInA' });
    const res = await b.provider.get(`/api/v1/organizations/${b.orgId}/users?q=onlyina`);
    expect(res.body.total).toBe(0);
  });
});

describe('when change notifications may have been lost', () => {
  const api = useTestApi();

  it('stops trusting its cache and reads the data version from the database', async () => {
    const org = await createTestOrg(api());
    // A node whose listener delivers nothing, and then reports that it lost its connection.
    const gaps: (() => void)[] = [];
    const deaf = await buildApi({
      store: api().store,
      clock: api().clock,
      config: TEST_CONFIG,
      listen: async (_channel, _onMessage, onGap) => {
        gaps.push(onGap);
      },
    });
    try {
      const url = `/api/v1/organizations/${org.orgId}/users`;
      const c = caller(deaf, api().providerToken);
      expect((await c.get(url)).body.total).toBe(0);
      await createTestUser(api(), org);
      // Without notifications the deaf node still serves what it cached …
      expect((await c.get(url)).body.total).toBe(0);
      for (const gap of gaps) gap();
      // … until it learns it may have missed some; from then on it checks the version.
      expect((await c.get(url)).body.total).toBe(1);
      await createTestUser(api(), org);
      expect((await c.get(url)).body.total).toBe(2);
    } finally {
      await deaf.close();
    }
  });
});
