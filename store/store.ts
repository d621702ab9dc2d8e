import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { auditRepo } from './repos/audit-repo.ts';
import { cdrsRepo } from './repos/cdrs-repo.ts';
import { authRepo } from './repos/auth-repo.ts';
import { contactsRepo } from './repos/contacts-repo.ts';
import { devicesRepo } from './repos/devices-repo.ts';
import { directoryRepo } from './repos/directory-repo.ts';
import { functionNumbersRepo } from './repos/function-numbers-repo.ts';
import type { Executor } from './repos/executor.ts';
import { groupsRepo } from './repos/groups-repo.ts';
import { numberConversionRepo } from './repos/number-conversion-repo.ts';
import { numbersRepo } from './repos/numbers-repo.ts';
import { organizationsRepo } from './repos/organizations-repo.ts';
import { registrationsRepo } from './repos/registrations-repo.ts';
import { settingsRepo } from './repos/settings-repo.ts';
import { sipAccountsRepo } from './repos/sip-accounts-repo.ts';
import { sitesRepo } from './repos/sites-repo.ts';
import { snapshotRepo } from './repos/snapshot-repo.ts';
import { trunksRepo } from './repos/trunks-repo.ts';
import { usersRepo } from './repos/users-repo.ts';

function repos(db: Executor) {
  return {
    organizations: organizationsRepo(db),
    sites: sitesRepo(db),
    numbers: numbersRepo(db),
    users: usersRepo(db),
    groups: groupsRepo(db),
    devices: devicesRepo(db),
    settings: settingsRepo(db),
    directory: directoryRepo(db),
    contacts: contactsRepo(db),
    audit: auditRepo(db),
    auth: authRepo(db),
    functionNumbers: functionNumbersRepo(db),
    snapshots: snapshotRepo(db),
    sipAccounts: sipAccountsRepo(db),
    registrations: registrationsRepo(db),
    cdrs: cdrsRepo(db),
    trunks: trunksRepo(db),
    numberConversion: numberConversionRepo(db),
  };
}

export type Repos = ReturnType<typeof repos>;

export interface Store extends Repos {
  /** Runs `fn` in one transaction: everything it writes lands together or not at all. */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
}

/** The configuration store: every repository over one connection, plus transactions. */
export function createStore(db: Kysely<Database>): Store {
  return {
    ...repos(db),
    transaction: (fn) => db.transaction().execute((tx) => fn(repos(tx))),
    ping: async () => {
      await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
    },
  };
}
