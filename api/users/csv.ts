// Users as CSV (SPEC §4: export, edit in a spreadsheet, re-import). The file format, its parser and
// the mapping of one row onto a new user or a change of an existing one; import-routes.ts runs it.

import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { normalizeNumber } from '../../core/numbers/index.ts';
import type { GroupRow } from '../../store/database.ts';
import type { UserWithRelations } from '../../store/repos/users-repo.ts';
import { AppError, type ErrorCode } from '../errors.ts';
import { scopeHasGroup, type Scope } from '../policies.ts';
import { APPLICATIONS, lineInput, userCreate, type LineBody, type UserCreateBody, type UserUpdateBody } from './schemas.ts';
import { checkLineShape } from './service.ts';

const ACCOUNT_COLUMNS = ['id', 'username', 'firstName', 'lastName', 'language', 'license', 'role'] as const;
const SETTING_COLUMNS = ['callerId', 'forwardNumber', 'externalId', 'calendarSyncId', 'siteId', 'allowedApps', 'groups'] as const;
const LINE_COLUMNS = ['primaryNumber', 'primaryLineType', 'primaryAlias', 'secondaryNumber', 'secondaryLineType', 'secondaryAlias'] as const;
const DIRS = ['dir1', 'dir2', 'dir3', 'dir4', 'dir5', 'dir6'] as const;

/** The columns of the users CSV, in export order; the names are stable (scripts depend on them). */
export const USER_CSV_COLUMNS = [...ACCOUNT_COLUMNS, ...SETTING_COLUMNS, ...LINE_COLUMNS, ...DIRS] as const;
export type UserCsvColumn = (typeof USER_CSV_COLUMNS)[number];

/** A cell holding only this clears the field on import (an empty cell leaves it unchanged). */
export const CLEAR_MARKER = '-';
const SLOTS = ['primary', 'secondary'] as const;
const ADMIN_ROLES: readonly string[] = ['group_admin', 'org_admin'];

// Spreadsheets run cells starting with = + - @ as formulas: such cells get a leading apostrophe on
// export, which the import removes again (one apostrophe, so the round trip is exact). Phone
// numbers (+4570...) are harmless and stay as they are.
const FORMULA_START = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/;
const PLAIN_NUMBER = /^\+[0-9]+$/;

/** Protects a cell against formula injection; undone by unescapeCell. */
export function escapeCell(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** Reverses escapeCell. */
export function unescapeCell(value: string): string {
  return ESCAPED_FORMULA.test(value) ? value.slice(1) : value;
}

/** The cells of one user in column order. A scoped admin's export names only the groups it administers. */
export function userToCsvRecord(u: UserWithRelations, groupNames: ReadonlyMap<string, string>, scope: Scope): string[] {
  const groups = u.groupIds
    .filter((g) => scopeHasGroup(scope, g))
    .map((g) => groupNames.get(g))
    .filter((n): n is string => n !== undefined)
    .sort((a, b) => a.localeCompare(b));
  const values: Partial<Record<UserCsvColumn, string | null>> = {
    id: u.id,
    username: u.username,
    firstName: u.first_name,
    lastName: u.last_name,
    language: u.language,
    license: u.license,
    role: u.role,
    callerId: u.caller_id,
    forwardNumber: u.forward_number,
    externalId: u.external_id,
    calendarSyncId: u.calendar_sync_id,
    siteId: u.site_id,
    allowedApps: u.allowed_apps.join(','),
    groups: groups.join('|'),
  };
  for (const slot of SLOTS) {
    const line = u.lines.find((l) => l.slot === slot);
    Object.assign(values, { [`${slot}Number`]: line?.number, [`${slot}LineType`]: line?.line_type, [`${slot}Alias`]: line?.alias_extension });
  }
  DIRS.forEach((c, i) => (values[c] = u.directory_fields[i]));
  return USER_CSV_COLUMNS.map((c) => escapeCell(values[c] ?? ''));
}

/** The whole file: UTF-8 BOM, `;` between cells, CRLF between rows (what Excel in DK/SE/NO/FR opens). */
export function usersCsv(records: readonly string[][]): string {
  return stringify([[...USER_CSV_COLUMNS], ...records], { delimiter: ';', bom: true, record_delimiter: '\r\n' });
}

/** One data row: `row` is 1-based after the header, `line` the file line it starts on. */
export interface CsvRow {
  row: number;
  line: number;
  cells: Partial<Record<UserCsvColumn, string>>;
}

/** A problem of one row, as reported in `details` of the error. */
export interface RowProblem {
  row: number;
  line: number;
  field: string;
  code: ErrorCode;
  message: string;
}

/** The rows of a file, and the rows whose shape (column count) is already wrong. */
export interface ParsedUsersCsv {
  rows: CsvRow[];
  problems: RowProblem[];
}

/** `;`, tab or `,`: whichever the header line holds most of (outside quotes). */
function detectDelimiter(text: string): string {
  const header = (text.split(/\r\n|\n|\r/, 1)[0] ?? '').replace(/"[^"]*"/g, '');
  const count = (d: string) => header.split(d).length - 1;
  return [';', '\t', ','].reduce((best, d) => (count(d) > count(best) ? d : best), ';');
}

/**
 * Parses the text of a users CSV: header checked against USER_CSV_COLUMNS (any order, any case),
 * blank rows skipped. Throws for a file that cannot be read at all; rows with the wrong number of
 * columns come back as problems so every broken row can be reported together.
 */
export function parseUsersCsv(text: string): ParsedUsersCsv {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new AppError('invalid_file', 'The file is empty', 'body');
  let records: { record: string[]; raw: string }[];
  try {
    records = parse(body, { delimiter: detectDelimiter(body), relax_column_count: true, raw: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as { records?: number; lines?: number; message?: string };
    const row = e.records ?? 0;
    const where = row === 0 ? 'The header' : `Row ${row}`;
    throw new AppError(
      'invalid_file',
      `${where} (line ${e.lines ?? '?'}) is not valid CSV: ${e.message ?? 'syntax error'}`,
      row === 0 ? 'header' : `rows.${row}`,
    );
  }
  const [header, ...data] = records;
  if (!header) throw new AppError('invalid_file', 'The file is empty', 'body');
  const byName = new Map<string, UserCsvColumn>(USER_CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const columns: (UserCsvColumn | null)[] = [];
  header.record.forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') {
      // Spreadsheets add unnamed empty columns; a named-less column with content is an error.
      if (data.every((r) => (r.record[i] ?? '').trim() === '')) return columns.push(null);
      throw new AppError('validation_failed', `Column ${i + 1} of the header has no name`, `header.${i + 1}`);
    }
    const column = byName.get(name.toLowerCase());
    if (!column) throw new AppError('validation_failed', `Unknown column "${name}"; the columns are ${USER_CSV_COLUMNS.join(', ')}`, `header.${name}`);
    if (columns.includes(column)) throw new AppError('validation_failed', `Column "${name}" appears twice`, `header.${name}`);
    return columns.push(column);
  });
  if (!columns.includes('username') && !columns.includes('id')) {
    throw new AppError('validation_failed', 'The header needs a username column (or an id column to change existing users)', 'header.username');
  }

  const rows: CsvRow[] = [];
  const problems: RowProblem[] = [];
  // Lines counted from the raw records (csv-parse's own count is off for CRLF inside quotes).
  const breaks = (raw: string) => raw.match(/\r\n|\r|\n/g)?.length ?? 0;
  let line = 1 + breaks(header.raw);
  data.forEach(({ record, raw }, index) => {
    const row = index + 1;
    const start = line;
    line += breaks(raw);
    if (record.every((c) => c.trim() === '')) return;
    if (record.length < columns.length || record.slice(columns.length).some((c) => c.trim() !== '')) {
      const message = `Row ${row} has ${record.length} columns, the header has ${columns.length}`;
      problems.push({ row, line: start, field: `rows.${row}`, code: 'validation_failed', message });
      return;
    }
    const cells: CsvRow['cells'] = {};
    columns.forEach((c, i) => {
      if (c) cells[c] = record[i] ?? '';
    });
    rows.push({ row, line: start, cells });
  });
  return { rows, problems };
}

/** Where a service error's field (`lines.0.number`, `groupIds.2`) is in the file. */
export function columnOfField(field: string | undefined, lines: readonly LineBody[]): UserCsvColumn | undefined {
  if (!field) return undefined;
  const [head = '', index, sub] = field.split('.');
  switch (head) {
    case 'groupIds':
      return 'groups';
    case 'directoryFields':
      return DIRS[Number(index ?? 0)] ?? 'dir1';
    case 'lines': {
      const slot = lines[Number(index ?? 0)]?.slot ?? 'primary';
      return `${slot}${sub === 'aliasExtension' ? 'Alias' : sub === 'lineType' ? 'LineType' : 'Number'}`;
    }
    default:
      return (USER_CSV_COLUMNS as readonly string[]).includes(head) ? (head as UserCsvColumn) : undefined;
  }
}

/** A problem of a row, naming the column as `rows.N.<column>` (or `rows.N` for the row as a whole). */
export function rowProblem(row: CsvRow, column: UserCsvColumn | undefined, message: string, code: ErrorCode = 'validation_failed'): RowProblem {
  return {
    row: row.row,
    line: row.line,
    field: column ? `rows.${row.row}.${column}` : `rows.${row.row}`,
    code,
    message: column ? `${column}: ${message}` : message,
  };
}

/** The one error of a failed import: the first problem in field/message, up to 100 in details. */
export function importFailed(problems: readonly RowProblem[]): AppError {
  const sorted = [...problems].sort((a, b) => a.row - b.row);
  const first = sorted[0];
  if (!first) return new AppError('validation_failed', 'The import failed', 'body');
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more problem${sorted.length > 2 ? 's' : ''}; see details)` : '';
  const message = first.message.startsWith(`Row ${first.row} `) ? first.message : `Row ${first.row}: ${first.message}`;
  return new AppError('validation_failed', `${message}${more}`, first.field, sorted.slice(0, 100));
}

/** What one row does: create a user, change one, or nothing. `lines` are the user's lines after it. */
export type RowPlan =
  | { kind: 'create'; row: CsvRow; body: UserCreateBody; lines: LineBody[] }
  | { kind: 'update'; row: CsvRow; user: UserWithRelations; patch: UserUpdateBody; lines: LineBody[] }
  | { kind: 'unchanged'; row: CsvRow; user: UserWithRelations; lines: LineBody[] };

/** What planning a row needs to know about the organization. */
export interface PlanLookups {
  scope: Scope;
  /** Groups by lower-cased name. */
  groupsByName: ReadonlyMap<string, GroupRow>;
  siteIds: ReadonlySet<string>;
}

const CLEARED = Symbol('cleared');
type Cleared = typeof CLEARED;
// Enumerations are read case-insensitively ("Office_Fixed" from a hand-edited sheet is fine).
const ci = <T>(schema: z.ZodType<T>) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(schema as unknown as z.ZodType<T, string>);
const shape = userCreate.shape;
const directoryValue = shape.directoryFields.unwrap().element;
// A list cell (`web_softphone,ipad`, `Sales|Support`): trimmed, empty items and repeats dropped.
const splitList = (s: string, separator: string) => [...new Set(s.split(separator).map((t) => t.trim()))].filter((t) => t !== '');
const appList = z
  .string()
  .transform((s) => splitList(s, ','))
  .pipe(z.array(ci(z.enum(APPLICATIONS))));

/**
 * Maps a row onto a create (no `user`) or a change of `user`. Empty cells leave a field as it is
 * (or at its default for a new user); a cell holding only `-` clears it. The rules the API applies
 * (number ranges, uniqueness) are checked across rows by the caller and again by the service.
 */
export function planRow(row: CsvRow, user: UserWithRelations | undefined, lookups: PlanLookups): { plan?: RowPlan; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const fail = (column: UserCsvColumn | undefined, message: string, code?: ErrorCode) => problems.push(rowProblem(row, column, message, code));
  function read<T>(column: UserCsvColumn, schema: z.ZodType<T>, clearable = true): T | Cleared | undefined {
    const raw = (row.cells[column] ?? '').trim();
    if (raw === '') return undefined;
    if (raw === CLEAR_MARKER) {
      if (!clearable) fail(column, 'cannot be cleared');
      return clearable ? CLEARED : undefined;
    }
    const parsed = schema.safeParse(unescapeCell(raw));
    if (parsed.success) return parsed.data;
    fail(column, parsed.error.issues[0]?.message ?? 'invalid value');
    return undefined;
  }
  const orNull = <T>(v: T | Cleared | undefined) => (v === CLEARED ? null : v);
  const orEmpty = <T>(v: T | Cleared | undefined, empty: T) => (v === CLEARED ? empty : v);

  const username = read('username', shape.username, false) as string | undefined;
  const firstName = orEmpty(read('firstName', shape.firstName), '');
  const lastName = orEmpty(read('lastName', shape.lastName), '');
  const language = read('language', ci(shape.language.unwrap()), false) as UserCreateBody['language'];
  const license = read('license', ci(shape.license.unwrap()), false) as UserCreateBody['license'];
  const role = read('role', ci(shape.role.unwrap()), false) as UserCreateBody['role'];
  const callerId = orNull(read('callerId', shape.callerId.unwrap().unwrap()));
  const forwardNumber = orNull(read('forwardNumber', shape.forwardNumber.unwrap().unwrap()));
  const externalId = orNull(read('externalId', shape.externalId.unwrap().unwrap()));
  const calendarSyncId = orNull(read('calendarSyncId', shape.calendarSyncId.unwrap().unwrap()));
  const siteId = orNull(read('siteId', shape.siteId.unwrap().unwrap()));
  if (siteId && !lookups.siteIds.has(siteId)) fail('siteId', `site ${siteId} does not exist`);
  const allowedApps = orEmpty(read('allowedApps', appList), []);
  const groupIds = readGroups(row, lookups, fail);
  const dirs = DIRS.map((c) => orEmpty(read(c, directoryValue), ''));
  const lines = desiredLines(row, user, read, fail);

  if (ADMIN_ROLES.includes(role ?? '') && role !== user?.role && lookups.scope.kind !== 'organization') {
    fail('role', 'only organization administrators can give administrator roles', 'forbidden');
  }
  const groupsFailed = problems.some((p) => p.field === `rows.${row.row}.groups`);
  if (lookups.scope.kind === 'groups' && !groupsFailed && (groupIds?.length === 0 || (!user && groupIds === undefined))) {
    fail('groups', user ? 'the user must stay in at least one group you administer' : 'put the user in at least one group you administer');
  }

  if (!user) {
    if (username === undefined && !problems.some((p) => p.field === `rows.${row.row}.username`)) fail('username', 'a new user needs a username');
    if (problems.length > 0 || username === undefined) return { problems };
    const body: UserCreateBody = {
      username,
      firstName: firstName ?? '',
      lastName: lastName ?? '',
      ...(language && { language }),
      ...(license && { license }),
      ...(role && { role }),
      ...(callerId && { callerId }),
      ...(forwardNumber && { forwardNumber }),
      ...(externalId && { externalId }),
      ...(calendarSyncId && { calendarSyncId }),
      ...(siteId && { siteId }),
      ...(allowedApps && { allowedApps }),
      ...(groupIds && { groupIds }),
      directoryFields: dirs.map((d) => d ?? ''),
      lines,
    };
    return { plan: { kind: 'create', row, body, lines }, problems };
  }

  const patch: UserUpdateBody = {};
  const put = <K extends keyof UserUpdateBody>(key: K, next: UserUpdateBody[K] | undefined, current: unknown) => {
    if (next !== undefined && next !== current) patch[key] = next;
  };
  put('username', username, user.username);
  put('firstName', firstName, user.first_name);
  put('lastName', lastName, user.last_name);
  put('language', language, user.language);
  put('license', license, user.license);
  put('role', role, user.role);
  put('callerId', callerId, user.caller_id);
  put('forwardNumber', forwardNumber, user.forward_number);
  put('externalId', externalId, user.external_id);
  put('calendarSyncId', calendarSyncId, user.calendar_sync_id);
  put('siteId', siteId, user.site_id);
  if (allowedApps && !sameSet(allowedApps, user.allowed_apps)) patch.allowedApps = allowedApps;
  const currentGroups = user.groupIds.filter((g) => scopeHasGroup(lookups.scope, g));
  if (groupIds && !sameSet(groupIds, currentGroups)) patch.groupIds = groupIds;
  const directoryFields = dirs.map((d, i) => d ?? user.directory_fields[i] ?? '');
  if (directoryFields.some((d, i) => d !== (user.directory_fields[i] ?? ''))) patch.directoryFields = directoryFields;
  if (!sameLines(lines, user)) patch.lines = lines;

  const changed = Object.keys(patch).length > 0;
  if (changed && lookups.scope.kind === 'groups' && ADMIN_ROLES.includes(user.role)) {
    fail('role', 'only organization administrators can change administrators', 'forbidden');
  }
  if (problems.length > 0) return { problems };
  return { plan: changed ? { kind: 'update', row, user, patch, lines } : { kind: 'unchanged', row, user, lines }, problems };
}

// Group names joined with `|`, matched case-insensitively; groups outside a scope are unknown.
function readGroups(row: CsvRow, lookups: PlanLookups, fail: (c: UserCsvColumn, m: string) => void): string[] | undefined {
  const raw = unescapeCell((row.cells.groups ?? '').trim());
  if (raw === '') return undefined;
  if (raw === CLEAR_MARKER) return [];
  const ids: string[] = [];
  for (const name of splitList(raw, '|')) {
    const g = lookups.groupsByName.get(name.toLowerCase());
    if (!g || !scopeHasGroup(lookups.scope, g.id)) fail('groups', `unknown group "${name}"`);
    else if (!ids.includes(g.id)) ids.push(g.id);
  }
  return ids;
}

type Reader = <T>(column: UserCsvColumn, schema: z.ZodType<T>, clearable?: boolean) => T | Cleared | undefined;

// The lines after the row: each slot's number, type and alias from the cells, else as they are.
// `-` as the number removes the line (its type and alias cells are then ignored).
function desiredLines(
  row: CsvRow,
  user: UserWithRelations | undefined,
  read: Reader,
  fail: (c: UserCsvColumn, m: string, code?: ErrorCode) => void,
): LineBody[] {
  const lines: LineBody[] = [];
  for (const slot of SLOTS) {
    const current = user?.lines.find((l) => l.slot === slot);
    const number = read(`${slot}Number`, lineInput.shape.number);
    const lineType = read(`${slot}LineType`, ci(lineInput.shape.lineType), false) as LineBody['lineType'] | undefined;
    const alias = read(`${slot}Alias`, lineInput.shape.number);
    if (number === CLEARED) continue;
    const n = number ?? current?.number;
    if (n === undefined) {
      if (lineType !== undefined || (alias !== undefined && alias !== CLEARED)) fail(`${slot}Number`, 'a line needs a number');
      continue;
    }
    const aliasExtension = alias === CLEARED ? null : (alias ?? current?.alias_extension ?? null);
    lines.push({ slot, number: n, lineType: lineType ?? current?.line_type ?? 'office_fixed', aliasExtension });
  }
  try {
    checkLineShape(lines);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    fail(columnOfField(err.field, lines) ?? 'primaryNumber', err.message);
  }
  return lines;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0001') === [...b].sort().join('\u0001');
}

function sameLines(lines: readonly LineBody[], user: UserWithRelations): boolean {
  if (lines.length !== user.lines.length) return false;
  return lines.every((l) => {
    const c = user.lines.find((x) => x.slot === l.slot);
    return (
      c !== undefined &&
      c.number === normalizeNumber(l.number) &&
      c.line_type === l.lineType &&
      (c.alias_extension ?? '') === normalizeNumber(l.aliasExtension ?? '')
    );
  });
}
