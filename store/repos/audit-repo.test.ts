import { expect, it } from 'vitest';
import { describeEachEngine, testOrganization as org } from '../test-engines.ts';
import type { AuditEntry } from './audit-repo.ts';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  actorKind: 'org_admin',
  actorId: 'actor-1',
  actorName: 'Anna Admin',
  action: 'user.update',
  resourceType: 'user',
  resourceId: 'r-1',
  before: null,
  after: null,
  ...over,
});

describeEachEngine('audit repository', (get) => {
  it('lists one organization’s entries newest first with before and after as JSON', async () => {
    const { store } = get();
    const orgId = await org(store);
    const other = await org(store);
    await store.audit.append(orgId, entry({ action: 'user.create', before: null, after: { name: 'x' } }));
    await store.audit.append(orgId, entry({ action: 'user.update', before: { name: 'x' }, after: { name: 'y' } }));
    await store.audit.append(other, entry({ action: 'user.delete' }));
    const page = await store.audit.list(orgId, { limit: 10, offset: 0 });
    expect(page.total).toBe(2);
    expect(page.items.map((i) => i.action)).toEqual(['user.update', 'user.create']);
    expect(page.items[0]).toMatchObject({ before: { name: 'x' }, after: { name: 'y' }, actor_name: 'Anna Admin' });
    expect(typeof page.items[0]?.id).toBe('number');
    expect((await store.audit.list(orgId, { limit: 10, offset: 0, order: 'asc' })).items[0]?.action).toBe('user.create');
  });

  it('filters by resource, actor, action and free text, matching wildcards literally', async () => {
    const { store } = get();
    const orgId = await org(store);
    await store.audit.append(orgId, entry({ resourceType: 'group', resourceId: 'g-1', action: 'group.create' }));
    await store.audit.append(orgId, entry({ resourceType: 'user', resourceId: 'u-1', actorId: 'actor-2', actorName: 'Bo Boss' }));
    const q = (extra: object) => store.audit.list(orgId, { limit: 10, offset: 0, ...extra });
    expect((await q({ resourceType: 'group' })).total).toBe(1);
    expect((await q({ resourceType: 'user', resourceId: 'u-1' })).total).toBe(1);
    expect((await q({ resourceId: 'nope' })).total).toBe(0);
    expect((await q({ actorId: 'actor-2' })).items[0]?.actor_name).toBe('Bo Boss');
    expect((await q({ action: 'group.create' })).total).toBe(1);
    expect((await q({ q: 'BOSS' })).total).toBe(1);
    expect((await q({ q: 'GROUP.' })).total).toBe(1);
    expect((await q({ q: '%' })).total).toBe(0);
    expect((await q({ limit: 1 })).items).toHaveLength(1);
  });
});
