import { describe, expect, it } from 'vitest';
import { createTestOrg, createTestUser, useTestApi } from '../test-app.ts';

describe('number ranges', () => {
  const api = useTestApi();

  it('refuses a range overlapping one of the same organization, naming the range', async () => {
    const org = await createTestOrg(api());
    const res = await org.provider.post(`/api/v1/organizations/${org.orgId}/number-ranges`, { kind: 'internal', start: '250', end: '350' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'range_overlap', field: 'start' });
    expect(res.body.error.message).toContain('200–299');
  });

  it('keeps public numbers unique in the installation but lets organizations reuse extensions', async () => {
    const a = await createTestOrg(api(), { publicStart: '+4599887700', publicEnd: '+4599887799' });
    const b = await createTestOrg(api(), { publicStart: '+4599887800', publicEnd: '+4599887899' });
    const clash = await b.provider.post(`/api/v1/organizations/${b.orgId}/number-ranges`, { kind: 'public', start: '+45 99 88 77 90', end: '+4599887810' });
    expect(clash.status).toBe(422);
    expect(clash.body.error.message).toContain('another organization');
    // Both test organizations already own 200–299 as internal extensions.
    for (const org of [a, b]) {
      const ranges = await org.provider.get(`/api/v1/organizations/${org.orgId}/number-ranges?q=200`);
      // (The random public block may contain "200" too: only the internal ranges are compared.)
      const internal = ranges.body.items.filter((r: { kind: string }) => r.kind === 'internal');
      expect(internal.map((r: { start: string; end: string }) => `${r.start}-${r.end}`)).toEqual(['200-299']);
    }
  });

  it('normalises pasted numbers and rejects malformed ranges naming the field', async () => {
    const org = await createTestOrg(api());
    const url = `/api/v1/organizations/${org.orgId}/number-ranges`;
    const ok = await org.provider.post(url, { kind: 'internal', start: '3 000', end: '3-099' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ start: '3000', end: '3099', dialFromIvr: false });
    const reversed = await org.provider.post(url, { kind: 'internal', start: '4099', end: '4000' });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.field).toBe('end');
    const mixed = await org.provider.post(url, { kind: 'internal', start: '400', end: '4000' });
    expect(mixed.status).toBe(400);
  });

  it('refuses to shrink or remove a range under numbers in use, and allows it once they are free', async () => {
    const org = await createTestOrg(api());
    const base = `/api/v1/organizations/${org.orgId}`;
    // The public block may contain "200" too (it is random per test org): pick the internal range.
    const internal = (await org.provider.get(`${base}/number-ranges?q=200`)).body.items.find((r: { kind: string }) => r.kind === 'internal');
    const u = await createTestUser(api(), org, { lines: [{ slot: 'primary', number: '290', lineType: 'office_fixed' }] });
    const shrink = await org.provider.patch(`${base}/number-ranges/${internal.id}`, { end: '289' });
    expect(shrink.status).toBe(422);
    expect(shrink.body.error).toMatchObject({ code: 'range_in_use' });
    expect(shrink.body.error.message).toContain('290');
    const remove = await org.provider.delete(`${base}/number-ranges/${internal.id}`);
    expect(remove.status).toBe(422);
    expect((await org.provider.get(`${base}/number-ranges/${internal.id}`)).body.end).toBe('299');
    await org.provider.delete(`${base}/users/${u.id}`);
    expect((await org.provider.patch(`${base}/number-ranges/${internal.id}`, { end: '289', dialFromIvr: false })).status).toBe(200);
    expect((await org.provider.delete(`${base}/number-ranges/${internal.id}`)).status).toBe(204);
  });

  it('lists available numbers across ranges, paged, without the ones in use', async () => {
    const org = await createTestOrg(api());
    const base = `/api/v1/organizations/${org.orgId}`;
    await createTestUser(api(), org, { lines: [{ slot: 'primary', number: '200', lineType: 'office_fixed' }] });
    const page = await org.provider.get(`${base}/available-numbers?kind=internal&limit=3`);
    expect(page.body).toEqual({ items: ['201', '202', '203'], total: 99, limit: 3, offset: 0 });
    const all = await org.provider.get(`${base}/available-numbers?limit=1`);
    expect(all.body.total).toBe(100 + 99);
  });
});
