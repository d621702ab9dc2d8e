import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  VAXEL_DATA_DIR: z.string().min(1).optional(),
  VAXEL_HTTP_PORT: port.optional(),
  VAXEL_HTTP_HOST: z.string().min(1).optional(),
  VAXEL_SIP_PORT: port.optional(),
  VAXEL_SIP_HOST: z.string().min(1).optional(),
  VAXEL_SIP_TLS_PORT: z.union([z.literal('off'), port]).optional(),
  VAXEL_SIP_WS_PORT: z.union([z.literal('off'), port]).optional(),
  VAXEL_SIP_NO_ANSWER_SECONDS: z.coerce.number().int().min(5).max(600).optional(),
  VAXEL_SIP_TRUSTED_ADDRESSES: z
    .string()
    .regex(/^[0-9a-fA-F.:/, ]*$/, { message: 'must be a comma-separated list of IP addresses' })
    .optional(),
  VAXEL_SIP_DIGEST: z.enum(['SHA-256,MD5', 'MD5,SHA-256', 'MD5', 'SHA-256']).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
    .optional(),
  VAXEL_ADMIN_EMAIL: z.string().email().optional(),
  VAXEL_ADMIN_PASSWORD: z.string().min(8, { message: 'must be at least 8 characters' }).optional(),
  VAXEL_COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  VAXEL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  VAXEL_MAX_IMPORT_MB: z.coerce.number().int().min(1).max(100).optional(),
});

export interface StartFlags {
  data?: string | undefined;
  httpPort?: string | undefined;
  httpHost?: string | undefined;
  sipPort?: string | undefined;
  sipHost?: string | undefined;
}

export interface VaxelConfig {
  store: { engine: 'pglite'; dataDir: string } | { engine: 'postgres'; databaseUrl: string };
  dataDir: string;
  httpPort: number;
  httpHost: string;
  sipPort: number;
  sip: {
    host: string;
    /** UDP and TCP share the SIP port. */
    tlsPort: number | null;
    wsPort: number | null;
    noAnswerSeconds: number;
    trustedAddresses: string[];
    digestAlgorithms: Array<'SHA-256' | 'MD5'>;
  };
  admin: { email: string; password: string } | null;
  cookieSecure: boolean;
  logLevel: string;
  maxImportBytes: number;
}

export class ConfigError extends Error {}

/** Reads and validates the configuration once, at start: flags win over environment variables. */
export function loadConfig(flags: StartFlags, env: NodeJS.ProcessEnv = process.env): VaxelConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const e = parsed.data;
  const flagPort = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const r = port.safeParse(v);
    if (!r.success) throw new ConfigError(`Invalid --${name}: must be a port number 0–65535`);
    return r.data;
  };
  const dataDir = resolve(flags.data ?? e.VAXEL_DATA_DIR ?? '.data');
  if ((e.VAXEL_ADMIN_EMAIL === undefined) !== (e.VAXEL_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Set both VAXEL_ADMIN_EMAIL and VAXEL_ADMIN_PASSWORD, or neither');
  }
  return {
    store: e.DATABASE_URL ? { engine: 'postgres', databaseUrl: e.DATABASE_URL } : { engine: 'pglite', dataDir: resolve(dataDir, 'pglite') },
    dataDir,
    httpPort: flagPort('http-port', flags.httpPort) ?? e.VAXEL_HTTP_PORT ?? 8080,
    httpHost: flags.httpHost ?? e.VAXEL_HTTP_HOST ?? '0.0.0.0',
    sipPort: flagPort('sip-port', flags.sipPort) ?? e.VAXEL_SIP_PORT ?? 5060,
    sip: {
      host: flags.sipHost ?? e.VAXEL_SIP_HOST ?? '0.0.0.0',
      tlsPort: e.VAXEL_SIP_TLS_PORT === 'off' ? null : (e.VAXEL_SIP_TLS_PORT ?? 5061),
      wsPort: e.VAXEL_SIP_WS_PORT === 'off' ? null : (e.VAXEL_SIP_WS_PORT ?? 5066),
      noAnswerSeconds: e.VAXEL_SIP_NO_ANSWER_SECONDS ?? 30,
      trustedAddresses: (e.VAXEL_SIP_TRUSTED_ADDRESSES ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
      digestAlgorithms: (e.VAXEL_SIP_DIGEST ?? 'MD5,SHA-256').split(',') as Array<'SHA-256' | 'MD5'>,
    },
    admin: e.VAXEL_ADMIN_EMAIL && e.VAXEL_ADMIN_PASSWORD ? { email: e.VAXEL_ADMIN_EMAIL, password: e.VAXEL_ADMIN_PASSWORD } : null,
    cookieSecure: e.VAXEL_COOKIE_SECURE === 'true',
    logLevel: e.VAXEL_LOG_LEVEL ?? 'info',
    maxImportBytes: (e.VAXEL_MAX_IMPORT_MB ?? 10) * 1024 * 1024,
  };
}
