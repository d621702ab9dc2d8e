import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { authenticate, checkCsrf } from './auth/authenticate.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import type { ApiContext, ZApp } from './context.ts';
import { errorHandler } from './error-handler.ts';
import { AppError, notFound } from './errors.ts';
import type { StoreConnection } from '../store/connect.ts';
import { CredentialCache } from './auth/credential-cache.ts';
import { OrgReadCache } from './read-model/org-read-cache.ts';
import { registerResourceRoutes } from './routes.ts';

export interface BuildApiOptions {
  logger?: FastifyBaseLogger;
  /** Extra plugins the app mounts (the portal's static files). */
  extend?: (app: ZApp) => Promise<void> | void;
}

const TEXT_TYPES = ['text/csv', 'text/x-ldif', 'text/ldif', 'application/ldif', 'application/x-ldif', 'text/tab-separated-values'];

/** Builds the HTTP API: REST under /api/v1, OpenAPI, /healthz and /metrics. */
export async function buildApi(
  input: Omit<ApiContext, 'readCache' | 'credentials'> & { readCache?: OrgReadCache; listen?: StoreConnection['listen'] },
  options: BuildApiOptions = {},
): Promise<ZApp> {
  const { listen, ...rest } = input;
  const ctx: ApiContext = { ...rest, readCache: input.readCache ?? new OrgReadCache(input.store), credentials: new CredentialCache() };
  if (listen) await followChanges(ctx, listen);
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    ajv: { customOptions: { coerceTypes: false } },
    // Requests Node's parser refuses (raw non-ASCII in the URL, broken headers) still get our error shape.
    clientErrorHandler: (err, socket) => {
      const body = JSON.stringify({ error: { code: 'validation_failed', message: `Malformed HTTP request: ${err.message}`, field: 'request' } });
      if (socket.writable)
        socket.end(
          `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });

  // Imports arrive as plain text bodies (or multipart from the portal); parse them as strings.
  app.addContentTypeParser(TEXT_TYPES, { parseAs: 'string', bodyLimit: ctx.config.maxImportBytes }, (_req, body, done) => done(null, body));

  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: ctx.config.maxImportBytes, files: 1, fields: 20 }, throwFileSizeLimit: true });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Vaxel API', version: '1', description: 'Administration API of the Vaxel hosted PBX. Errors are `{"error":{"code","message","field"}}`.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (create one at POST /api/v1/api-tokens)' },
          session: { type: 'apiKey', in: 'cookie', name: 'vaxel_session', description: 'Portal session; writes also need the x-csrf-token header' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs' });

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vaxel_' });
  const requests = new Counter({ name: 'vaxel_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'vaxel_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    request.principal = await authenticate(ctx, request);
    // The tenant check at the edge: a user of one organization gets 404 for any path of another,
    // before content type or body are looked at. authorize() repeats it (and checks providers).
    const orgId = (request.params as { orgId?: unknown } | undefined)?.orgId;
    const p = request.principal;
    if (typeof orgId === 'string' && p?.kind === 'user' && p.orgId !== orgId) throw notFound('Organization');
    if (typeof orgId === 'string' && p?.kind === 'provider' && /^[0-9a-f-]{36}$/i.test(orgId)) {
      if (!(await ctx.readCache.orgExists(orgId))) throw notFound('Organization');
      p.verifiedOrgId = orgId;
    }
  });
  app.addHook('preHandler', async (request) => {
    if (request.url.startsWith('/api/')) checkCsrf(request);
  });
  // PostgreSQL cannot store NUL in text; refuse it at the edge, naming the field, for every body.
  app.addHook('preValidation', async (request) => {
    const path = findNul(request.body, []);
    if (path) throw new AppError('validation_failed', `${path}: must not contain NUL characters`, path);
  });
  // A successful write on this node is visible to this node's next request at once; other nodes
  // learn of it from the database's notification.
  app.addHook('onSend', async (request, reply) => {
    if (SAFE.has(request.method) || reply.statusCode >= 400) return;
    const orgId = (request.params as { orgId?: unknown } | undefined)?.orgId;
    if (typeof orgId === 'string') ctx.readCache.invalidate(orgId);
    if (request.principal?.kind === 'user') ctx.readCache.invalidate(request.principal.orgId);
    ctx.credentials.clear();
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await ctx.store.ping();
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable', store: 'down' });
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerAuthRoutes(app, ctx);
  registerResourceRoutes(app, ctx);
  if (options.extend) await options.extend(app);

  app.addHook('onClose', async () => {
    registry.clear();
  });
  return app;
}

function findNul(value: unknown, path: string[]): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || 'body' : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    const hit = findNul(v, [...path, k]);
    if (hit) return hit;
  }
  return null;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Keeps the read models and the credential cache current from the database's notifications. */
async function followChanges(ctx: ApiContext, listen: StoreConnection['listen']): Promise<void> {
  const gap = () => {
    // Notifications may be lost from here on: fall back to asking the database on every request.
    ctx.readCache.live = false;
    ctx.credentials.live = false;
    ctx.readCache.invalidateAll();
    ctx.credentials.clear();
  };
  await listen('vaxel_org_data', (orgId) => ctx.readCache.invalidate(orgId), gap);
  await listen('vaxel_auth', () => ctx.credentials.clear(), gap);
  ctx.readCache.live = true;
  ctx.credentials.live = true;
}
