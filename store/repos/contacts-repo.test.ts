import { expect, it } from 'vitest';
import type { Store } from '../store.ts';
import { describeEachEngine, uniqueSuffix } from '../test-engines.ts';

async function newOrg(store: Store) {
  const s = uniqueSuffix();
  const org = await store.organizations.create({
    name: `Org ${s}`,
    slug: `org-${s}`,
    timeZone: 'Europe/Copenhagen',
    defaultLanguage: 'da',
    sipDomain: `org-${s}.test`,
  });
  const user = await store.users.create(org.id, {
    username: `u-${s}@example.test`,
    firstName: 'Ada',
    lastName: 'Lund',
    language: 'da',
    license: 'standard',
    role: 'user',
    allowedApps: [],
    directoryFields: ['', '', '', '', '', ''],
  });
  return { orgId: org.id, userId: user.id };
}

const page = { limit: 50, offset: 0 };

describeEachEngine('contacts repository', (get) => {
  it('creates, reads, updates and deletes a contact with its numbers', async () => {
    const { store } = get();
    const { orgId } = await newOrg(store);
    const owner = { level: 'organization' as const, id: orgId };
    const c = await store.contacts.create(orgId, owner, {
      kind: 'external',
      company: 'Ærø Fisk A/S',
      firstName: 'Søren',
      lastName: 'Østergård',
      numbers: [
        { number: '+4581808088', type: 'work', shortNumber: '8088' },
        { number: '+4520000000', type: 'mobile' },
      ],
    });
    expect(c).toMatchObject({
      org_id: orgId,
      owner_level: 'organization',
      owner_id: orgId,
      kind: 'external',
      mandatory: false,
      type: 'contact',
      speed_dial: null,
    });
    expect(c.numbers).toEqual([
      { number: '+4581808088', type: 'work', shortNumber: '8088' },
      { number: '+4520000000', type: 'mobile' },
    ]);
    const updated = await store.contacts.update(orgId, c.id, { type: 'vip', numbers: [{ number: '+4511111111', type: 'home' }] });
    expect(updated).toMatchObject({ type: 'vip', first_name: 'Søren' });
    expect(updated?.numbers).toEqual([{ number: '+4511111111', type: 'home' }]);
    expect(await store.contacts.delete(orgId, c.id)).toBe(true);
    expect(await store.contacts.get(orgId, c.id)).toBeUndefined();
    expect(await store.contacts.delete(orgId, c.id)).toBe(false);
  });

  it('never reads, changes or deletes another organization’s contact', async () => {
    const { store } = get();
    const a = await newOrg(store);
    const b = await newOrg(store);
    const c = await store.contacts.create(
      a.orgId,
      { level: 'organization', id: a.orgId },
      { kind: 'external', lastName: 'Secret', numbers: [{ number: '12345678', type: 'work' }] },
    );
    expect(await store.contacts.get(b.orgId, c.id)).toBeUndefined();
    expect(await store.contacts.update(b.orgId, c.id, { lastName: 'Hacked' })).toBeUndefined();
    expect(await store.contacts.delete(b.orgId, c.id)).toBe(false);
    expect((await store.contacts.list(b.orgId, [{ level: 'organization', id: a.orgId }], page)).total).toBe(0);
    expect((await store.contacts.get(a.orgId, c.id))?.last_name).toBe('Secret');
  });

  it('lists several owners together, filters by type and searches number values but not JSON keys', async () => {
    const { store } = get();
    const { orgId, userId } = await newOrg(store);
    const org = { level: 'organization' as const, id: orgId };
    const user = { level: 'user' as const, id: userId };
    await store.contacts.create(orgId, org, { kind: 'external', lastName: 'Berg', numbers: [{ number: '+4570101010', type: 'work' }] });
    await store.contacts.create(orgId, user, { kind: 'external', lastName: 'Alm', type: 'blocked', numbers: [{ number: '+4599999999', type: 'mobile' }] });
    await store.contacts.create(orgId, user, { kind: 'internal', mandatory: true, contactUserId: userId });
    const both = await store.contacts.list(orgId, [org, user], page);
    expect(both.total).toBe(3);
    expect(both.items.map((c) => c.last_name)).toEqual(['', 'Alm', 'Berg']);
    expect((await store.contacts.list(orgId, [org], page)).total).toBe(1);
    expect((await store.contacts.list(orgId, [], page)).total).toBe(0);
    expect((await store.contacts.list(orgId, [org, user], { ...page, type: 'blocked' })).items.map((c) => c.last_name)).toEqual(['Alm']);
    expect((await store.contacts.list(orgId, [org, user], { ...page, kind: 'internal' })).total).toBe(1);
    expect((await store.contacts.list(orgId, [org, user], { ...page, q: '70101' })).items.map((c) => c.last_name)).toEqual(['Berg']);
    expect((await store.contacts.list(orgId, [org, user], { ...page, q: 'work' })).total).toBe(0);
    expect((await store.contacts.list(orgId, [org, user], { ...page, q: '100%' })).total).toBe(0);
    expect(await store.contacts.blockedNumbers(orgId, [org, user])).toEqual(['+4599999999']);
    expect((await store.contacts.findInternal(orgId, user, userId))?.mandatory).toBe(true);
    expect(await store.contacts.findInternal(orgId, org, userId)).toBeUndefined();
  });

  it('refuses an internal contact pointing at another organization’s user', async () => {
    const { store } = get();
    const a = await newOrg(store);
    const b = await newOrg(store);
    await expect(
      store.contacts.create(a.orgId, { level: 'organization', id: a.orgId }, { kind: 'internal', mandatory: true, contactUserId: b.userId }),
    ).rejects.toMatchObject({ code: '23503' });
  });

  it('inserts many contacts in chunks and rolls them all back with the transaction', async () => {
    const { store } = get();
    const { orgId, userId } = await newOrg(store);
    const owner = { level: 'user' as const, id: userId };
    const inputs = Array.from({ length: 1203 }, (_, i) => ({
      kind: 'external' as const,
      lastName: `P${i}`,
      speedDial: String(i),
      numbers: [{ number: `+45${String(i).padStart(8, '0')}`, type: 'work' }],
    }));
    await expect(
      store.transaction(async (tx) => {
        await tx.contacts.createMany(orgId, owner, inputs);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await store.contacts.list(orgId, [owner], page)).total).toBe(0);
    expect(await store.contacts.createMany(orgId, owner, inputs)).toBe(1203);
    expect((await store.contacts.list(orgId, [owner], page)).total).toBe(1203);
    expect((await store.contacts.findBySpeedDial(orgId, owner, '42'))?.last_name).toBe('P42');
    expect(await store.contacts.speedDials(orgId, owner)).toHaveLength(1203);
    expect(await store.contacts.deleteForOwner(orgId, owner)).toBe(1203);
  });

  it('keeps a pending import until it is deleted or pruned', async () => {
    const { store } = get();
    const { orgId } = await newOrg(store);
    const other = await newOrg(store);
    const owner = { level: 'organization' as const, id: orgId };
    const imp = await store.contacts.saveImport(orgId, owner, {
      filename: 'kontakter.txt',
      delimiter: ';',
      rows: [
        ['Fornavn', 'Efternavn'],
        ['Åse', 'Bødker'],
      ],
      createdBy: 'tester',
    });
    expect((await store.contacts.getImport(orgId, imp.id))?.rows).toEqual([
      ['Fornavn', 'Efternavn'],
      ['Åse', 'Bødker'],
    ]);
    expect(await store.contacts.getImport(other.orgId, imp.id)).toBeUndefined();
    expect(await store.contacts.deleteImport(other.orgId, imp.id)).toBe(false);
    expect(await store.contacts.deleteImport(orgId, imp.id)).toBe(true);
    expect(await store.contacts.deleteImport(orgId, imp.id)).toBe(false);
    const old = await store.contacts.saveImport(orgId, owner, { filename: 'a.rtx', delimiter: ',', rows: [['x']], createdBy: 'tester' });
    expect(await store.contacts.pruneImports(orgId, 3600)).toBe(0);
    expect(await store.contacts.pruneImports(orgId, 0)).toBe(1);
    expect(await store.contacts.getImport(orgId, old.id)).toBeUndefined();
  });
});
