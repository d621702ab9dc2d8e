import { describe, expect, it } from 'vitest';
import type { CdrInsert } from '../../store/repos/cdrs-repo.ts';
import { createTestOrg, createTestUser, useTestApi, type TestOrg } from '../test-app.ts';

const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 0, 5, 9, minute, second));

function cdr(orgId: string, minute: number, extra: Partial<CdrInsert> = {}): CdrInsert {
  return {
    orgId,
    callId: `call-${minute}`,
    direction: 'internal',
    fromNumber: '201',
    fromUserId: null,
    toNumber: '202',
    toUserId: null,
    trunkId: null,
    startedAt: at(minute),
    answeredAt: null,
    endedAt: at(minute, 20),
    cause: 'no_answer',
    sipStatus: 480,
    hangupBy: null,
    ...extra,
  };
}

describe('call detail records API', () => {
  const api = useTestApi();
  const url = (org: TestOrg, q = '') => `/api/v1/organizations/${org.orgId}/cdrs${q}`;

  it('lists calls newest first with durations, and filters by time window, direction and user', async () => {
    const org = await createTestOrg(api());
    const u = await createTestUser(api(), org);
    const trunkId = crypto.randomUUID();
    await api().store.cdrs.insertMany([
      cdr(org.orgId, 1, {
        direction: 'outbound',
        fromUserId: u.id,
        toNumber: '+4520000001',
        trunkId,
        cause: 'answered',
        sipStatus: 200,
        answeredAt: at(1, 5),
        endedAt: at(2, 5),
        hangupBy: 'caller',
      }),
      cdr(org.orgId, 2, { direction: 'inbound', toUserId: u.id, cause: 'busy', sipStatus: 486 }),
      cdr(org.orgId, 3),
    ]);
    const all = await org.provider.get(url(org));
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(all.body.items.map((c: { callId: string }) => c.callId)).toEqual(['call-3', 'call-2', 'call-1']);
    expect(all.body.items[2]).toEqual({
      id: expect.any(String),
      callId: 'call-1',
      direction: 'outbound',
      fromNumber: '201',
      fromUserId: u.id,
      toNumber: '+4520000001',
      toUserId: null,
      trunkId,
      startedAt: at(1).toISOString(),
      answeredAt: at(1, 5).toISOString(),
      endedAt: at(2, 5).toISOString(),
      durationSeconds: 65,
      talkSeconds: 60,
      cause: 'answered',
      sipStatus: 200,
      hangupBy: 'caller',
    });
    expect(all.body.items[0]).toMatchObject({ durationSeconds: 20, talkSeconds: 0, answeredAt: null });
    const ids = async (q: string) => (await org.provider.get(url(org, q))).body.items.map((c: { callId: string }) => c.callId);
    expect(await ids(`?from=${at(2).toISOString()}`)).toEqual(['call-3', 'call-2']);
    expect(await ids(`?to=${encodeURIComponent('2026-01-05T10:02:00+01:00')}`)).toEqual(['call-1']);
    expect(await ids('?direction=inbound')).toEqual(['call-2']);
    expect(await ids(`?userId=${u.id}`)).toEqual(['call-2', 'call-1']);
    expect(await ids('?limit=1&offset=1')).toEqual(['call-2']);
  });

  it('refuses bad query values and names the parameter', async () => {
    const org = await createTestOrg(api());
    const cases: [string, string][] = [
      ['?from=yesterday', 'from'],
      ['?to=2026-01-05', 'to'],
      [`?from=${at(5).toISOString()}&to=${at(1).toISOString()}`, 'to'],
      ['?direction=sideways', 'direction'],
      ['?userId=me', 'userId'],
      ['?limit=0', 'limit'],
      ['?limit=501', 'limit'],
      ['?offset=-1', 'offset'],
    ];
    for (const [q, field] of cases) {
      const res = await org.provider.get(url(org, q));
      expect(res.status, q).toBe(400);
      expect(res.body.error.field, q).toBe(field);
    }
  });

  it('shows each organization only its own calls, and only to organization admins', async () => {
    const org = await createTestOrg(api());
    const other = await createTestOrg(api());
    await api().store.cdrs.insertMany([cdr(org.orgId, 1), cdr(other.orgId, 2)]);
    expect((await other.provider.get(url(other))).body.items.map((c: { callId: string }) => c.callId)).toEqual(['call-2']);
    const admin = await createTestUser(api(), org, { role: 'org_admin' });
    const groupAdmin = await createTestUser(api(), org, { role: 'group_admin' });
    const user = await createTestUser(api(), org);
    expect((await admin.as.get(url(org))).body.total).toBe(1);
    expect((await groupAdmin.as.get(url(org))).status).toBe(403);
    expect((await user.as.get(url(org))).status).toBe(403);
    expect((await admin.as.get(url(other))).status).toBe(404);
  });
});
