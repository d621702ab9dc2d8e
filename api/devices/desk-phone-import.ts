import { CsvError, parse } from 'csv-parse/sync';
import type { DeviceRow } from '../../store/database.ts';
import type { Repos } from '../../store/store.ts';
import { audit } from '../audit.ts';
import { AppError } from '../errors.ts';
import { scopeHasUser, type Access } from '../policies.ts';
import { emailUsername } from '../schemas/common.ts';
import { canonicalModel, normalizeMac, type DeskPhoneModel } from './hardware.ts';
import { deskPhoneState } from './presenter.ts';
import { presentWithOwners, rethrowDeviceConflict } from './service.ts';

/**
 * Desk phones by CSV upload (SPEC §5): columns mac;model;description;username with a header row,
 * `;`, `,` or tab as delimiter, UTF-8 with or without BOM. All or nothing: one broken row and
 * nothing is saved; the error names `rows.N.<column>` (N = 1-based data row).
 */
export const MAX_IMPORT_ROWS = 10_000;

type Column = 'mac' | 'model' | 'description' | 'username';
const DEFAULT_COLUMNS: readonly Column[] = ['mac', 'model', 'description', 'username'];

// Header spellings, English and as the Danish portal labels the phone list.
const HEADER_ALIASES: ReadonlyMap<string, Column> = new Map<string, Column>([
  ['mac', 'mac'],
  ['macaddress', 'mac'],
  ['macadresse', 'mac'],
  ['model', 'model'],
  ['type', 'model'],
  ['description', 'description'],
  ['beskrivelse', 'description'],
  ['username', 'username'],
  ['user', 'username'],
  ['brugernavn', 'username'],
]);

export interface DeskPhoneCsvRow {
  /** 1-based data row. */
  row: number;
  /** Line of the file the row ends on (header included), for people reading the file. */
  line: number;
  mac: string;
  model: DeskPhoneModel;
  description: string;
  username: string | null;
}

export interface RowProblem {
  field: string;
  message: string;
}

function headerKey(cell: string): string {
  return cell
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s_.-]/g, '');
}

/** Picks the delimiter the first line uses most: `;` (Excel in Danish), `,` or tab. */
function detectDelimiter(text: string): string {
  const first = (
    text
      .replace(/^\ufeff/, '')
      .split(/\r?\n/)
      .find((l) => l.trim().length > 0) ?? ''
  ).replace(/"[^"]*"/g, '');
  const counts = [';', ',', '\t'].map((d) => [d, first.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ';';
}

function fileError(message: string, field = 'body'): AppError {
  return new AppError('invalid_file', message, field);
}

/** Parses and checks the file's format; problems come back row by row, nothing is looked up. */
export function parseDeskPhoneCsv(text: string): { rows: DeskPhoneCsvRow[]; problems: RowProblem[] } {
  if (text.includes('\ufffd')) throw fileError('The file is not UTF-8 text; save it as "CSV UTF-8"');
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) throw fileError('The file holds control characters; it does not look like a CSV text file');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info: true` each record comes as { record, info } (the sync typings do not model it).
    records = parse(text, {
      bom: true,
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      trim: true,
      info: true,
    }) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) throw fileError(`The file is not valid CSV: ${err.message}`);
    throw err;
  }
  let columns: readonly Column[] = DEFAULT_COLUMNS;
  const first = records[0]?.record;
  // A file may start straight with data (its first cell a MAC); otherwise the first row is the header.
  if (first && normalizeMac(first[0] ?? '') === undefined) {
    const seen = new Set<Column>();
    columns = first.map((cell, i) => {
      const col = HEADER_ALIASES.get(headerKey(cell));
      if (!col) throw new AppError('validation_failed', `Unknown column "${cell}" in the header; use mac, model, description, username`, `header.${i + 1}`);
      if (seen.has(col)) throw new AppError('validation_failed', `Column "${cell}" appears twice in the header`, `header.${i + 1}`);
      seen.add(col);
      return col;
    });
    for (const required of ['mac', 'model'] as const) {
      if (!seen.has(required)) throw new AppError('validation_failed', `The header has no ${required} column`, 'header');
    }
    records = records.slice(1);
  }
  if (records.length === 0) throw new AppError('validation_failed', 'The file holds no phones', 'rows');
  if (records.length > MAX_IMPORT_ROWS) throw new AppError('validation_failed', `At most ${MAX_IMPORT_ROWS} phones per file`, 'rows');

  const rows: DeskPhoneCsvRow[] = [];
  const problems: RowProblem[] = [];
  const macRows = new Map<string, number>();
  for (const [i, { record, info }] of records.entries()) {
    const n = i + 1;
    const at = `Row ${n} (line ${info.lines})`;
    const problem = (col: string, message: string) => problems.push({ field: `rows.${n}${col ? `.${col}` : ''}`, message: `${at}: ${message}` });
    if (record.length > columns.length) {
      problem('', `has ${record.length} columns, the header has ${columns.length}`);
      continue;
    }
    const cell = (c: Column) => record[columns.indexOf(c)] ?? '';
    const mac = normalizeMac(cell('mac'));
    if (cell('mac') === '') problem('mac', 'the MAC address is missing');
    else if (mac === undefined) problem('mac', `"${cell('mac')}" is not a MAC address such as 00:04:13:aa:bb:cc`);
    else if (macRows.has(mac)) problem('mac', `the same MAC address as row ${macRows.get(mac)}`);
    else macRows.set(mac, n);
    const model = canonicalModel(cell('model'));
    if (cell('model') === '') problem('model', 'the model is missing');
    else if (model === undefined) problem('model', `"${cell('model')}" is not a supported model`);
    const description = cell('description');
    if (description.length > 200) problem('description', 'the description is longer than 200 characters');
    const rawUser = cell('username');
    const username = rawUser === '' ? null : emailUsername.safeParse(rawUser);
    if (username && !username.success) problem('username', `"${rawUser}" is not a username (an email address)`);
    if (mac !== undefined && model !== undefined && (username === null || username.success)) {
      rows.push({ row: n, line: info.lines, mac, model, description, username: username?.data ?? null });
    }
  }
  return { rows, problems };
}

function failWith(problems: readonly RowProblem[]): never {
  const first = problems[0]!;
  throw new AppError('validation_failed', problems.length > 1 ? `${first.message} (and ${problems.length - 1} more problems)` : first.message, first.field, {
    problems,
  });
}

export interface ImportPreviewRow {
  row: number;
  mac: string;
  model: DeskPhoneModel;
  description: string;
  username: string | null;
  userId: string | null;
  state: ReturnType<typeof deskPhoneState>;
}

/** Checks every row against the organization and creates the phones, inside the caller's transaction. */
export async function importDeskPhones(repos: Repos, access: Access, text: string) {
  const { orgId } = access;
  const parsed = parseDeskPhoneCsv(text);
  const problems = [...parsed.problems];
  const users = new Map<string, string | null>();
  const preview: ImportPreviewRow[] = [];
  for (const r of parsed.rows) {
    let userId: string | null = null;
    if (r.username === null) {
      if (access.scope.kind !== 'organization')
        problems.push({ field: `rows.${r.row}.username`, message: `Row ${r.row}: only organization administrators add unassigned phones; give a username` });
    } else {
      if (!users.has(r.username)) {
        const u = await repos.users.findByUsername(orgId, r.username);
        const inScope = u !== undefined && scopeHasUser(access.scope, await repos.groups.groupIdsOfUser(orgId, u.id));
        users.set(r.username, inScope ? u.id : null);
      }
      userId = users.get(r.username) ?? null;
      if (userId === null) problems.push({ field: `rows.${r.row}.username`, message: `Row ${r.row}: no user ${r.username}` });
    }
    preview.push({
      row: r.row,
      mac: r.mac,
      model: r.model,
      description: r.description,
      username: r.username,
      userId,
      state: deskPhoneState({ hot_desk: false, user_id: userId }),
    });
  }
  if (problems.length > 0) failWith(problems.sort((a, b) => rowOf(a) - rowOf(b)));
  const created: DeviceRow[] = [];
  for (const p of preview) {
    try {
      created.push(await repos.devices.create(orgId, { kind: 'desk_phone', mac: p.mac, model: p.model, description: p.description, userId: p.userId }));
    } catch (err) {
      try {
        rethrowDeviceConflict(err, `rows.${p.row}.`);
      } catch (conflict) {
        if (conflict instanceof AppError) throw new AppError(conflict.code, `Row ${p.row}: ${conflict.message}`, conflict.field);
        throw conflict;
      }
    }
  }
  await audit(repos, access.principal, orgId, 'device.import', { type: 'device', id: null }, null, { count: created.length, macs: created.map((d) => d.mac) });
  return { count: created.length, rows: preview, items: await presentWithOwners(repos, orgId, created) };
}

function rowOf(p: RowProblem): number {
  return Number(p.field.split('.')[1] ?? 0);
}
