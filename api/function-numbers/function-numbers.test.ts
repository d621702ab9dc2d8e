import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../app/demo.ts';
import { caller, useTestApi } from '../test-app.ts';

describe('function numbers and schedules', () => {
  const api = useTestApi();

  it('lists the demo organization’s ACD group, IVR and opening hours, and reserves their numbers', async () => {
    const demo = await seedDemo(api().store, { users: 5, slug: 'demo-fn', sipDomain: 'demo-fn.vaxel.test', publicPrefix: '+45777766' });
    const p = caller(api().app, api().providerToken);
    const base = `/api/v1/organizations/${demo.orgId}`;
    const fns = await p.get(`${base}/function-numbers`);
    expect(fns.body.items.map((f: { kind: string; number: string }) => `${f.kind} ${f.number}`)).toEqual(['acd 1500', 'ivr 1600']);
    expect((await p.get(`${base}/function-numbers?kind=ivr`)).body.total).toBe(1);
    const schedules = await p.get(`${base}/schedules`);
    expect(schedules.body.items[0].name).toBe('Åbningstider Kundeservice');
    const free = await p.get(`${base}/available-numbers?kind=internal&limit=500`);
    expect(free.body.items).not.toContain('1500');
    const bad = await p.get(`${base}/function-numbers?kind=queue`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('kind');
  });
});
