import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Clock } from '../core/clock.ts';
import type { Store } from '../store/store.ts';
import type { PasswordCost } from './auth/secrets.ts';
import type { CredentialCache } from './auth/credential-cache.ts';
import type { OrgReadCache } from './read-model/org-read-cache.ts';

export interface ApiConfig {
  /** Set the Secure flag on the session cookie (behind HTTPS). */
  cookieSecure: boolean;
  sessionTtlMs: number;
  passwordCost: PasswordCost;
  /** Largest CSV/LDIF import accepted, in bytes. */
  maxImportBytes: number;
}

export interface ApiContext {
  store: Store;
  clock: Clock;
  config: ApiConfig;
  /** Versioned in-memory read models of organizations (hot lists and effective settings). */
  readCache: OrgReadCache;
  /** Resolved credentials by token hash (only while change notifications are live). */
  credentials: CredentialCache;
}

/** The Fastify instance with zod schemas as its type provider. */
export type ZApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
