import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi, type TestOrg } from '../test-app.ts';

describe('number conversion API', () => {
  const api = useTestApi();
  const url = (org: TestOrg, rest: string) => `/api/v1/organizations/${org.orgId}/number-conversion${rest}`;
  const template = [
    { prefix: '00', digits: 10, rewrite: '+' },
    { prefix: '20', digits: 1, ranges: [{ from: '0', to: '9' }], rewrite: '+458877317' },
    { prefix: '1', digits: 3, ranges: [], rewrite: '+451' },
  ];
  const stored = template.map((r) => ({ ranges: [], ...r }));

  it('replaces and reads the rules of the organization, a group and a user, with an audit entry for each change', async () => {
    const org = await createTestOrg(api());
    const group = await org.provider.post(`/api/v1/organizations/${org.orgId}/groups`, { name: 'Sales' });
    const user = await createTestUser(api(), org, { groupIds: [group.body.id] });
    expect((await org.provider.get(url(org, '/organization'))).body).toEqual({ level: 'organization', targetId: org.orgId, rules: [] });

    const put = await org.provider.put(url(org, '/organization'), { rules: template });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ level: 'organization', targetId: org.orgId, rules: stored });
    expect((await org.provider.get(url(org, '/organization'))).body.rules).toEqual(stored);

    const groupRules = [
      {
        prefix: '2',
        digits: 2,
        ranges: [
          { from: '07', to: '15' },
          { from: '17', to: '29' },
        ],
        rewrite: '+4588',
      },
    ];
    expect((await org.provider.put(url(org, `/groups/${group.body.id}`), { rules: groupRules })).status).toBe(200);
    expect((await org.provider.get(url(org, `/groups/${group.body.id}`))).body).toEqual({ level: 'group', targetId: group.body.id, rules: groupRules });

    // Spaces people type in numbers are dropped.
    const userPut = await org.provider.put(url(org, `/users/${user.id}`), { rules: [{ prefix: '9', digits: 3, rewrite: '+45 70 10' }] });
    expect(userPut.body.rules).toEqual([{ prefix: '9', digits: 3, ranges: [], rewrite: '+457010' }]);

    // The list is replaced as a whole.
    const replaced = await org.provider.put(url(org, '/organization'), { rules: [template[2]] });
    expect(replaced.body.rules).toEqual([stored[2]]);
    expect((await org.provider.put(url(org, '/organization'), { rules: [] })).body.rules).toEqual([]);

    const audit = await api().store.audit.list(org.orgId, { limit: 100, offset: 0 });
    const entries = audit.items.filter((a) => a.action === 'number_conversion.put');
    expect(entries.map((a) => a.resource_id).sort()).toEqual(
      [`group/${group.body.id}`, `organization/${org.orgId}`, `organization/${org.orgId}`, `organization/${org.orgId}`, `user/${user.id}`].sort(),
    );
    const first = entries.find((a) => a.resource_id === `organization/${org.orgId}` && (a.before as { rules: unknown[] }).rules.length === 0);
    expect((first?.after as { rules: unknown[] }).rules).toEqual(stored);
  });

  it('feeds the SIP service’s snapshot of the organization', async () => {
    const org = await createTestOrg(api());
    await org.provider.put(url(org, '/organization'), { rules: template });
    const snap = await api().store.sipAccounts.loadOrg(org.orgId);
    expect(snap.conversionRules).toEqual([{ level: 'organization', targetId: org.orgId, rules: stored }]);
  });

  it('validates every rule and names the offending field', async () => {
    const org = await createTestOrg(api());
    const ok = { prefix: '1', digits: 3, rewrite: '+451' };
    const cases: [unknown, string][] = [
      [[ok, { ...ok, prefix: '1a' }], 'rules.1.prefix'],
      [[{ ...ok, prefix: '1'.repeat(21) }], 'rules.0.prefix'],
      [[{ ...ok, digits: -1 }], 'rules.0.digits'],
      [[{ ...ok, digits: 21 }], 'rules.0.digits'],
      [[{ ...ok, digits: 1.5 }], 'rules.0.digits'],
      [[{ ...ok, digits: '3' }], 'rules.0.digits'],
      [[{ ...ok, prefix: '', digits: 0 }], 'rules.0.digits'],
      [[ok, ok, { ...ok, digits: 2, ranges: [{ from: '7', to: '15' }] }], 'rules.2.ranges.0.from'],
      [
        [
          ok,
          ok,
          {
            ...ok,
            digits: 2,
            ranges: [
              { from: '07', to: '15' },
              { from: '17', to: '2x' },
            ],
          },
        ],
        'rules.2.ranges.1.to',
      ],
      [[{ ...ok, digits: 2, ranges: [{ from: '15', to: '07' }] }], 'rules.0.ranges.0.to'],
      [[{ ...ok, digits: 0, ranges: [{ from: '1', to: '2' }] }], 'rules.0.ranges'],
      [[{ ...ok, ranges: [{ from: '100' }] }], 'rules.0.ranges.0.to'],
      [[{ ...ok, rewrite: '+45a' }], 'rules.0.rewrite'],
      [[{ ...ok, rewrite: '45+' }], 'rules.0.rewrite'],
      [[{ ...ok, digits: 0, rewrite: '' }], 'rules.0.rewrite'],
      [[{ prefix: '1', digits: 3 }], 'rules.0.rewrite'],
      [[{ ...ok, colour: 'red' }], 'rules.0.colour'],
      [Array.from({ length: 201 }, () => ok), 'rules'],
      ['1', 'rules'],
    ];
    for (const [rules, field] of cases) {
      const res = await org.provider.put(url(org, '/organization'), { rules });
      expect(res.status, JSON.stringify(rules).slice(0, 200)).toBe(400);
      expect(res.body.error.field, JSON.stringify(rules).slice(0, 200)).toBe(field);
    }
    expect((await org.provider.put(url(org, '/organization'), {})).body.error.field).toBe('rules');
    expect((await org.provider.put(url(org, '/organization'), { rules: Array.from({ length: 200 }, () => ok) })).status).toBe(200);
    expect((await org.provider.get(url(org, '/organization'))).body.rules).toHaveLength(200);
  });

  it('answers 404 for a group or user that does not exist in the organization', async () => {
    const org = await createTestOrg(api());
    const other = await createTestOrg(api());
    const stranger = await createTestUser(api(), other);
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const path of [`/groups/${missing}`, `/users/${missing}`, `/users/${stranger.id}`]) {
      expect((await org.provider.get(url(org, path))).status, path).toBe(404);
      expect((await org.provider.put(url(org, path), { rules: [] })).status, path).toBe(404);
    }
    expect((await org.provider.get(url(org, '/groups/not-a-uuid'))).body.error.field).toBe('groupId');
  });

  it('lets group admins manage only the groups they administer, and keeps the organization’s and users’ rules for organization admins', async () => {
    const org = await createTestOrg(api());
    const base = `/api/v1/organizations/${org.orgId}`;
    const team = (await org.provider.post(`${base}/groups`, { name: 'Team' })).body as { id: string };
    const elsewhere = (await org.provider.post(`${base}/groups`, { name: 'Elsewhere' })).body as { id: string };
    const admins = (await org.provider.post(`${base}/groups`, { name: 'Admins' })).body as { id: string };
    await org.provider.put(`${base}/groups/${admins.id}/administers`, { groupIds: [team.id] });
    const admin = await createTestUser(api(), org, { role: 'org_admin' });
    const groupAdmin = await createTestUser(api(), org, { role: 'group_admin', groupIds: [admins.id] });
    const member = await createTestUser(api(), org, { groupIds: [team.id] });
    const body = { rules: [{ prefix: '1', digits: 3, rewrite: '+451' }] };

    expect((await groupAdmin.as.put(url(org, `/groups/${team.id}`), body)).status).toBe(200);
    expect((await groupAdmin.as.get(url(org, `/groups/${team.id}`))).body.rules).toHaveLength(1);
    expect((await groupAdmin.as.get(url(org, `/groups/${elsewhere.id}`))).status).toBe(404);
    expect((await groupAdmin.as.put(url(org, `/groups/${elsewhere.id}`), body)).status).toBe(404);
    for (const path of ['/organization', `/users/${member.id}`]) {
      expect((await groupAdmin.as.get(url(org, path))).status, path).toBe(403);
      expect((await groupAdmin.as.put(url(org, path), body)).status, path).toBe(403);
    }
    for (const path of ['/organization', `/groups/${team.id}`, `/users/${member.id}`]) {
      expect((await member.as.get(url(org, path))).status, path).toBe(403);
      expect((await member.as.put(url(org, path), body)).status, path).toBe(403);
      expect((await admin.as.put(url(org, path), body)).status, path).toBe(200);
      expect((await admin.as.get(url(org, path))).body.rules, path).toHaveLength(1);
    }
    const other = await createTestOrg(api());
    const outsider = await createTestUser(api(), other, { role: 'org_admin' });
    expect((await outsider.as.get(url(org, '/organization'))).status).toBe(404);
    expect((await outsider.as.put(url(org, `/groups/${team.id}`), body)).status).toBe(404);
  });
});
