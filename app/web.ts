import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { ZApp } from '../api/context.ts';

const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');

/** Serves the portal's static files from web/ (the portal speaks only the public API). */
export async function serveWeb(app: ZApp): Promise<void> {
  const root = existsSync(join(WEB_ROOT, 'dist', 'index.html')) ? join(WEB_ROOT, 'dist') : join(WEB_ROOT, 'public');
  if (!existsSync(root)) return;
  await app.register(fastifyStatic, { root, prefix: '/', index: ['index.html'], wildcard: false });
}
