// A small admin view over the public API: log in, pick an organization, search its users.
// The full portal (React, five languages) replaces this; it uses nothing but the public API too.
const $ = (id) => document.getElementById(id);
const state = { csrf: null, orgId: null, offset: 0, limit: 25, groups: new Map() };

async function api(method, url, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) throw Object.assign(new Error(data?.error?.message ?? res.statusText), { status: res.status, data });
  return data;
}

function text(tag, value) {
  const el = document.createElement(tag);
  el.textContent = value ?? '';
  return el;
}

async function showApp(principal) {
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = `${principal.name || principal.email || principal.username} (${principal.role})`;
  const orgs = await api('GET', '/api/v1/organizations?limit=500');
  const select = $('org');
  select.replaceChildren(...orgs.items.map((o) => Object.assign(text('option', o.name), { value: o.id })));
  state.orgId = orgs.items[0]?.id ?? null;
  await loadUsers();
}

async function loadUsers() {
  if (!state.orgId) return;
  const base = `/api/v1/organizations/${state.orgId}`;
  if (!state.groups.has(state.orgId)) {
    try {
      const groups = await api('GET', `${base}/groups?limit=500`);
      state.groups.set(state.orgId, new Map(groups.items.map((g) => [g.id, g.name])));
    } catch {
      state.groups.set(state.orgId, new Map());
    }
  }
  const names = state.groups.get(state.orgId);
  const q = encodeURIComponent($('q').value.trim());
  const page = await api('GET', `${base}/users?limit=${state.limit}&offset=${state.offset}&sort=last_name${q ? `&q=${q}` : ''}`);
  $('users').replaceChildren(
    ...page.items.map((u) => {
      const tr = document.createElement('tr');
      tr.append(
        text('td', `${u.firstName} ${u.lastName}`),
        text('td', u.username),
        text('td', u.role),
        text('td', u.lines.map((l) => (l.aliasExtension ? `${l.number} (${l.aliasExtension})` : l.number)).join(', ')),
        text('td', u.groupIds.map((g) => names.get(g) ?? '').filter(Boolean).join(', ')),
      );
      return tr;
    }),
  );
  $('count').textContent = `${page.total} users`;
  $('prev').disabled = state.offset === 0;
  $('next').disabled = state.offset + state.limit >= page.total;
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  try {
    const res = await api('POST', '/api/v1/auth/login', { username: form.get('username'), password: form.get('password') });
    state.csrf = res.csrfToken;
    $('login-error').textContent = '';
    await showApp(res.principal);
  } catch (err) {
    $('login-error').textContent = err.message;
  }
});
$('logout').addEventListener('click', async () => {
  await api('POST', '/api/v1/auth/logout').catch(() => {});
  location.reload();
});
$('org').addEventListener('change', (e) => {
  state.orgId = e.target.value;
  state.offset = 0;
  void loadUsers();
});
let timer;
$('q').addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    state.offset = 0;
    void loadUsers();
  }, 200);
});
$('prev').addEventListener('click', () => {
  state.offset = Math.max(0, state.offset - state.limit);
  void loadUsers();
});
$('next').addEventListener('click', () => {
  state.offset += state.limit;
  void loadUsers();
});

api('GET', '/api/v1/session')
  .then((s) => {
    state.csrf = s.csrfToken;
    return showApp(s.principal);
  })
  .catch(() => {
    $('login').hidden = false;
  });
