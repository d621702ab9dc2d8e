import { Command } from 'commander';
import { DEFAULT_PASSWORD_COST, hashPassword } from '../api/auth/secrets.ts';
import { ConfigError, loadConfig, type StartFlags } from './config.ts';
import { seedDemo } from './demo.ts';
import { openStore } from './services.ts';
import { sipAccountsCommand, type SipAccountsFlags } from './sip-accounts-command.ts';
import { startVaxel } from './start.ts';

const program = new Command();
program.name('vaxel').description('Vaxel — multi-tenant hosted business telephone system').version('0.1.0');

const withStoreFlags = (c: Command) => c.option('--data <dir>', 'data folder for the embedded store (VAXEL_DATA_DIR, default ./.data)');

withStoreFlags(program.command('start').description('Start Vaxel (migrates the store first)'))
  .option('--http-port <port>', 'HTTP port (VAXEL_HTTP_PORT, default 8080)')
  .option('--http-host <host>', 'HTTP bind address (VAXEL_HTTP_HOST, default 0.0.0.0)')
  .option('--sip-port <port>', 'SIP port, UDP and TCP (VAXEL_SIP_PORT, default 5060)')
  .option('--sip-host <host>', 'SIP bind address (VAXEL_SIP_HOST, default 0.0.0.0)')
  .action(async (flags: StartFlags) => {
    const running = await startVaxel(loadConfig(flags));
    const stop = () => {
      void running.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

withStoreFlags(program.command('migrate').description('Apply pending store migrations and exit')).action(async (flags: StartFlags) => {
  const { connection, applied } = await openStore(loadConfig(flags));
  console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'The store is up to date');
  await connection.close();
});

const admin = program.command('admin').description('Provider administrators');
withStoreFlags(admin.command('create').description('Create or reset a provider admin'))
  .requiredOption('--email <email>', 'login email')
  .option('--password <password>', 'password (default: VAXEL_ADMIN_PASSWORD, else generated and printed)')
  .option('--name <name>', 'display name', 'Provider admin')
  .action(async (flags: StartFlags & { email: string; password?: string; name: string }) => {
    const config = loadConfig(flags);
    const password = flags.password ?? process.env.VAXEL_ADMIN_PASSWORD ?? (await import('node:crypto')).randomBytes(12).toString('base64url');
    if (password.length < 8) throw new ConfigError('--password must be at least 8 characters');
    if (!/^[^\s@]+@[^\s@]+$/.test(flags.email)) throw new ConfigError('--email must be an email address');
    const { store, connection } = await openStore(config);
    await store.auth.upsertProviderAdmin(flags.email, flags.name, await hashPassword(password, DEFAULT_PASSWORD_COST));
    console.log(
      `Provider admin ${flags.email.toLowerCase()} is ready${flags.password || process.env.VAXEL_ADMIN_PASSWORD ? '' : ` with password ${password}`}`,
    );
    await connection.close();
  });

withStoreFlags(program.command('demo').description('Seed the demo organization "Nordlys Rejser" (idempotent: skipped when it exists)'))
  .option('--users <n>', 'number of users', '20')
  .action(async (flags: StartFlags & { users: string }) => {
    const { store, connection } = await openStore(loadConfig(flags));
    const result = await seedDemo(store, { users: Number(flags.users) });
    console.log(result.created ? `Demo organization created: ${result.summary}` : `Demo organization already exists (${result.orgId})`);
    for (const line of result.logins) console.log(`  ${line}`);
    await connection.close();
  });

const sip = program.command('sip').description('The SIP service');
withStoreFlags(sip.command('accounts').description('List the devices with SIP credentials and their current registrations, per organization'))
  .option('--org <slug>', 'only this organization')
  .option('--json', 'print JSON instead of a table')
  .action(async (flags: StartFlags & SipAccountsFlags) => {
    process.exitCode = await sipAccountsCommand(loadConfig(flags), flags);
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`vaxel: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
