import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to PGlite in ./.data, HTTP 8080 and SIP 5060', () => {
    const c = loadConfig({}, {});
    expect(c.store.engine).toBe('pglite');
    expect(c.httpPort).toBe(8080);
    expect(c.sipPort).toBe(5060);
    expect(c.dataDir.endsWith('.data')).toBe(true);
  });

  it('lets flags win over environment variables', () => {
    const c = loadConfig({ httpPort: '9000', data: '/tmp/x' }, { VAXEL_HTTP_PORT: '8000', VAXEL_DATA_DIR: '/tmp/y', VAXEL_SIP_PORT: '5070' });
    expect(c.httpPort).toBe(9000);
    expect(c.dataDir).toBe('/tmp/x');
    expect(c.sipPort).toBe(5070);
  });

  it('selects PostgreSQL when DATABASE_URL is set', () => {
    const c = loadConfig({}, { DATABASE_URL: 'postgres://127.0.0.1:5432/vaxel' });
    expect(c.store).toEqual({ engine: 'postgres', databaseUrl: 'postgres://127.0.0.1:5432/vaxel' });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({}, { VAXEL_HTTP_PORT: 'eighty' })).toThrow(/VAXEL_HTTP_PORT/);
    expect(() => loadConfig({}, { DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ sipPort: '70000' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({}, { VAXEL_ADMIN_EMAIL: 'a@b.dk' })).toThrow(/VAXEL_ADMIN_PASSWORD/);
  });
});
