import { afterAll, beforeAll } from 'vitest';
import { manualClock } from '../core/clock.ts';
import type { StoreConnection, StoreEngine } from '../store/connect.ts';
import { openTestStore, uniqueSuffix } from '../store/test-engines.ts';
import type { Store } from '../store/store.ts';
import { TOKEN_PREFIX } from './auth/authenticate.ts';
import { hashPassword, newToken, tokenHash } from './auth/secrets.ts';
import type { ApiConfig, ZApp } from './context.ts';
import { buildApi } from './server.ts';

export const TEST_CONFIG: ApiConfig = {
  cookieSecure: false,
  sessionTtlMs: 8 * 3600_000,
  // Cheap hashes keep tests fast; production uses DEFAULT_PASSWORD_COST.
  passwordCost: { memoryCost: 1024, timeCost: 1 },
  maxImportBytes: 10 * 1024 * 1024,
};

export interface TestApi {
  app: ZApp;
  store: Store;
  clock: ReturnType<typeof manualClock>;
  /** Bearer token of a provider admin. */
  providerToken: string;
  connection: StoreConnection;
}

type Json = Record<string, unknown> | unknown[];

export interface Caller {
  token: string;
  get(url: string): Promise<{ status: number; body: any }>;
  post(url: string, body?: Json): Promise<{ status: number; body: any }>;
  patch(url: string, body?: Json): Promise<{ status: number; body: any }>;
  put(url: string, body?: Json): Promise<{ status: number; body: any }>;
  delete(url: string): Promise<{ status: number; body: any }>;
}

/** A client that calls the API in-process with a bearer token. */
export function caller(app: ZApp, token: string): Caller {
  const send = async (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: Json) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined && { payload: body }) });
    return { status: res.statusCode, body: res.body ? safeJson(res.body) : undefined };
  };
  return {
    token,
    get: (url) => send('GET', url),
    post: (url, body) => send('POST', url, body ?? {}),
    patch: (url, body) => send('PATCH', url, body ?? {}),
    put: (url, body) => send('PUT', url, body ?? {}),
    delete: (url) => send('DELETE', url),
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** Starts an API on a fresh store for one test file. */
export function useTestApi(engine: StoreEngine = 'pglite'): () => TestApi {
  let current: (TestApi & { dispose(): Promise<void> }) | undefined;
  beforeAll(async () => {
    const ts = await openTestStore(engine);
    const clock = manualClock(Date.UTC(2026, 10, 2, 9, 0, 0));
    const app = await buildApi({ store: ts.store, clock, config: TEST_CONFIG, listen: ts.connection.listen });
    await app.ready();
    const admin = await ts.store.auth.upsertProviderAdmin(
      `provider-${uniqueSuffix()}@vaxel.test`,
      'Provider',
      await hashPassword('provider-password', TEST_CONFIG.passwordCost),
    );
    const providerToken = newToken(TOKEN_PREFIX);
    await ts.store.auth.createApiToken({ tokenHash: tokenHash(providerToken), kind: 'provider', principalId: admin.id, orgId: null, name: 'test' });
    current = {
      app,
      store: ts.store,
      clock,
      providerToken,
      connection: ts.connection,
      dispose: async () => {
        await app.close();
        await ts.dispose();
      },
    };
  });
  afterAll(async () => {
    await current?.dispose();
  });
  return () => {
    if (!current) throw new Error('test API not started');
    return current;
  };
}

export interface TestOrg {
  orgId: string;
  provider: Caller;
}

/** Creates an organization with a public and an internal number range. */
export async function createTestOrg(api: TestApi, opts: { publicStart?: string; publicEnd?: string } = {}): Promise<TestOrg> {
  const provider = caller(api.app, api.providerToken);
  const s = uniqueSuffix();
  const org = await provider.post('/api/v1/organizations', {
    name: `Org ${s}`,
    slug: `org-${s}`,
    timeZone: 'Europe/Copenhagen',
    defaultLanguage: 'da',
    sipDomain: `org-${s}.pbx.test`,
  });
  if (org.status !== 201) throw new Error(`create org: ${JSON.stringify(org.body)}`);
  const orgId = org.body.id as string;
  // Public numbers are unique in the installation: give each test org its own block.
  const block = String(1000 + (Math.abs(hashCode(s)) % 8000)).padStart(4, '0');
  await provider.post(`/api/v1/organizations/${orgId}/number-ranges`, {
    kind: 'public',
    start: opts.publicStart ?? `+4570${block}00`,
    end: opts.publicEnd ?? `+4570${block}99`,
  });
  await provider.post(`/api/v1/organizations/${orgId}/number-ranges`, { kind: 'internal', start: '200', end: '299', dialFromIvr: true });
  return { orgId, provider };
}

function hashCode(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

/** Creates a user through the API and returns a bearer token acting as them. */
export async function createTestUser(
  api: TestApi,
  org: TestOrg,
  body: Record<string, unknown> = {},
): Promise<{ id: string; username: string; as: Caller; body: any }> {
  const username = `u-${uniqueSuffix()}@example.test`;
  const res = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, { username, firstName: 'Test', lastName: 'User', ...body });
  if (res.status !== 201) throw new Error(`create user: ${JSON.stringify(res.body)}`);
  const token = newToken(TOKEN_PREFIX);
  await api.store.auth.createApiToken({ tokenHash: tokenHash(token), kind: 'user', principalId: res.body.id, orgId: org.orgId, name: 'test' });
  return { id: res.body.id, username, as: caller(api.app, token), body: res.body };
}
