import { describe, expect, it } from 'vitest';
import { createTestOrg, useTestApi } from './test-app.ts';

describe('HTTP server conventions', () => {
  const api = useTestApi();

  it('answers /healthz with ok when the store answers', async () => {
    const res = await api().app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('exposes Prometheus metrics including request counts', async () => {
    await api().app.inject({ method: 'GET', url: '/healthz' });
    const res = await api().app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('vaxel_http_requests_total{method="GET",route="/healthz",status="200"}');
    expect(res.body).toContain('vaxel_process_cpu_seconds_total');
  });

  it('publishes an OpenAPI 3.1 document generated from the zod schemas', async () => {
    const res = await api().app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const create = doc.paths['/api/v1/organizations/{orgId}/users'].post;
    const schema = create.requestBody.content['application/json'].schema;
    expect(schema.properties.username).toBeDefined();
    expect(schema.additionalProperties).toBe(false);
    const docs = await api().app.inject({ method: 'GET', url: '/api/v1/docs/' });
    expect(docs.statusCode).toBe(200);
  });

  it('answers an unknown route with the standard error shape', async () => {
    const res = await api().app.inject({ method: 'GET', url: '/api/v1/nope', headers: { authorization: `Bearer ${api().providerToken}` } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('refuses a JSON body over 1 MB with 413 and writes nothing', async () => {
    const org = await createTestOrg(api());
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/v1/organizations/${org.orgId}/sites`,
      headers: { authorization: `Bearer ${api().providerToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x', address: 'y'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'payload_too_large', field: 'body' });
    const sites = await org.provider.get(`/api/v1/organizations/${org.orgId}/sites`);
    expect(sites.body.total).toBe(0);
  });

  it('refuses a 50 MB upload with 413', async () => {
    const org = await createTestOrg(api());
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/v1/organizations/${org.orgId}/users/import`,
      headers: { authorization: `Bearer ${api().providerToken}`, 'content-type': 'text/csv' },
      payload: Buffer.alloc(50 * 1024 * 1024, 'a'),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('answers a body of the wrong content type with 415', async () => {
    const org = await createTestOrg(api());
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/v1/organizations/${org.orgId}/sites`,
      headers: { authorization: `Bearer ${api().providerToken}`, 'content-type': 'application/xml' },
      payload: '<site/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('rejects a non-UUID id in the path naming the parameter', async () => {
    const res = await api().app.inject({
      method: 'GET',
      url: '/api/v1/organizations/not-a-uuid/users',
      headers: { authorization: `Bearer ${api().providerToken}` },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', field: 'orgId' });
  });

  it('rejects out-of-range pagination naming the parameter', async () => {
    const org = await createTestOrg(api());
    const res = await org.provider.get(`/api/v1/organizations/${org.orgId}/users?limit=100000`);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('limit');
  });
});

describe('text the database cannot store', () => {
  const api = useTestApi();

  it('refuses a NUL character in any JSON field with 400 naming the field', async () => {
    const org = await createTestOrg(api());
    const res = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, { username: 'nul@example.test', firstName: 'a\u0000b', lastName: 'c' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'firstName' });
    const nested = await org.provider.post(`/api/v1/organizations/${org.orgId}/users`, {
      username: 'nul2@example.test',
      firstName: 'a',
      lastName: 'c',
      directoryFields: ['', 'x\u0000', '', '', '', ''],
    });
    expect(nested.body.error.field).toBe('directoryFields.1');
  });
});
