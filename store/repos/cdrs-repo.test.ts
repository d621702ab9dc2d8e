import { expect, it } from 'vitest';
import { describeEachEngine, testOrganization, testUser } from '../test-engines.ts';
import type { CdrInsert } from './cdrs-repo.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 9, minute, 0));

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
    endedAt: at(minute + 1),
    cause: 'no_answer',
    sipStatus: 480,
    hangupBy: null,
    ...extra,
  };
}

describeEachEngine('call detail records repository', (get) => {
  it('inserts records of several organizations in one call and lists each organization’s newest first', async () => {
    const { store } = get();
    const a = await testOrganization(store);
    const b = await testOrganization(store);
    const answered = cdr(a, 3, { cause: 'answered', answeredAt: at(3), sipStatus: 200, hangupBy: 'callee' });
    await store.cdrs.insertMany([cdr(a, 1), answered, cdr(b, 2), cdr(a, 2)]);
    const page = await store.cdrs.list(a, { limit: 2, offset: 0 });
    expect(page.total).toBe(3);
    expect(page.items.map((c) => c.callId)).toEqual(['call-3', 'call-2']);
    expect(page.items[0]).toMatchObject({ ...answered, id: expect.any(String) });
    expect((await store.cdrs.list(a, { limit: 2, offset: 2 })).items.map((c) => c.callId)).toEqual(['call-1']);
    expect((await store.cdrs.list(b, { limit: 50, offset: 0 })).items.map((c) => c.callId)).toEqual(['call-2']);
  });

  it('filters by time window, direction and user (caller or callee)', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const u = await testUser(store, orgId);
    await store.cdrs.insertMany([
      cdr(orgId, 0, { direction: 'outbound', fromUserId: u }),
      cdr(orgId, 10, { direction: 'inbound', toUserId: u }),
      cdr(orgId, 20, { direction: 'internal' }),
    ]);
    const all = { limit: 50, offset: 0 };
    const ids = async (q: Parameters<typeof store.cdrs.list>[1]) => (await store.cdrs.list(orgId, q)).items.map((c) => c.callId);
    expect(await ids({ ...all, from: at(10) })).toEqual(['call-20', 'call-10']);
    expect(await ids({ ...all, to: at(10) })).toEqual(['call-0']);
    expect(await ids({ ...all, from: at(5), to: at(15) })).toEqual(['call-10']);
    expect(await ids({ ...all, direction: 'outbound' })).toEqual(['call-0']);
    expect(await ids({ ...all, userId: u })).toEqual(['call-10', 'call-0']);
    expect((await store.cdrs.list(orgId, { ...all, userId: u, direction: 'inbound' })).total).toBe(1);
  });

  it('keeps an id the B2BUA chose, and drops records of a deleted organization without failing the batch', async () => {
    const { store } = get();
    const a = await testOrganization(store);
    const gone = await testOrganization(store);
    await store.organizations.delete(gone);
    const id = crypto.randomUUID();
    await store.cdrs.insertMany([cdr(gone, 1), cdr(a, 2, { id })]);
    expect((await store.cdrs.list(a, { limit: 50, offset: 0 })).items.map((c) => c.id)).toEqual([id]);
  });

  it('writes more rows than one statement carries, and does not count as a configuration change', async () => {
    const { store } = get();
    const orgId = await testOrganization(store);
    const v0 = await store.snapshots.dataVersion(orgId);
    await store.cdrs.insertMany(Array.from({ length: 1203 }, (_, i) => cdr(orgId, i % 50, { callId: `bulk-${i}` })));
    expect((await store.cdrs.list(orgId, { limit: 1, offset: 0 })).total).toBe(1203);
    expect(await store.snapshots.dataVersion(orgId)).toBe(v0);
  });
});
