import { describe, expect, it } from 'vitest';
import { userSearchText, type UserWithRelations } from '../../store/repos/users-repo.ts';
import { UserDirectory } from './user-directory.ts';

function user(id: string, first: string, last: string, dir: string[] = ['', '', '', '', '', '']): UserWithRelations {
  const row = {
    id,
    org_id: 'o',
    site_id: null,
    username: `${first}.${last}@x.test`.toLowerCase(),
    password_hash: null,
    first_name: first,
    last_name: last,
    language: 'da',
    license: 'standard',
    caller_id: null,
    forward_number: null,
    photo_url: null,
    role: 'user' as const,
    allowed_apps: [],
    calendar_sync_id: null,
    external_id: null,
    directory_fields: dir,
    welcome_sent_at: null,
    portal_first_use_at: null,
    mobile_app_first_use_at: null,
    desktop_app_first_use_at: null,
    created_at: new Date(0),
    updated_at: new Date(0),
  };
  return { ...row, search_text: userSearchText(row, []), lines: [], groupIds: [] };
}

describe('user directory search', () => {
  const d = new UserDirectory([user('1', 'Ann', 'Berg', ['volvo volvo', '', '', '', '', '']), user('2', 'Bo', 'Volvosen'), user('3', 'Cai', 'Dahl')], 'da');

  it('counts a user once however often the text matches, in the requested order', () => {
    const r = d.list({ limit: 10, offset: 0, q: 'VOLVO' });
    expect(r.total).toBe(2);
    expect(r.items.map((u) => u.lastName)).toEqual(['Berg', 'Volvosen']);
    expect(d.list({ limit: 10, offset: 0, q: 'volvo', order: 'desc' }).items.map((u) => u.lastName)).toEqual(['Volvosen', 'Berg']);
  });

  it('never matches across two users or two fields', () => {
    // The end of one user's text followed by the start of the next one's.
    expect(d.list({ limit: 10, offset: 0, q: 'test\u0002bo' }).total).toBe(0);
    expect(d.list({ limit: 10, offset: 0, q: 'dahlcai' }).total).toBe(0);
  });

  it('matches the last user and pages the matches', () => {
    expect(d.list({ limit: 10, offset: 0, q: 'dahl' }).items.map((u) => u.id)).toEqual(['3']);
    const page = d.list({ limit: 1, offset: 1, q: 'a' });
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(1);
  });
});

describe('user directory search in a large organization (trigram index)', () => {
  const names = ['Søren', 'Åse', 'Jens', 'Anne', 'Bo'];
  const users = Array.from({ length: 2500 }, (_, i) => user(String(i).padStart(5, '0'), names[i % 5]!, `Holm${i}`, [`team ${i % 40}`, '', '', '', '', '']));
  const d = new UserDirectory(users, 'da');

  it.each(['søren', 'holm12', 'team 3', 'm24', 'åse', 'xyz', 'holm2499', 'ab'])('finds exactly the users a plain scan finds for %j', (needle) => {
    const expected = users.filter((u) => u.search_text.includes(needle)).length;
    expect(d.list({ limit: 5000, offset: 0, q: needle }).total).toBe(expected);
  });
});
