import { describe, expect, it } from 'vitest';
import type { GroupRow } from '../../store/database.ts';
import type { UserWithRelations } from '../../store/repos/users-repo.ts';
import { AppError } from '../errors.ts';
import type { Scope } from '../policies.ts';
import {
  USER_CSV_COLUMNS,
  columnOfField,
  escapeCell,
  importFailed,
  parseUsersCsv,
  planRow,
  unescapeCell,
  userToCsvRecord,
  usersCsv,
  type CsvRow,
} from './csv.ts';

const ORG: Scope = { kind: 'organization' };
const SALES = { id: '00000000-0000-4000-8000-000000000001', name: 'Salg' } as GroupRow;
const OTHER = { id: '00000000-0000-4000-8000-000000000002', name: 'Other' } as GroupRow;
const lookups = (scope: Scope = ORG) => ({ scope, groupsByName: new Map([SALES, OTHER].map((g) => [g.name.toLowerCase(), g])), siteIds: new Set<string>() });

function user(overrides: Partial<UserWithRelations> = {}): UserWithRelations {
  return {
    id: '00000000-0000-4000-8000-0000000000aa',
    org_id: 'org',
    site_id: null,
    username: 'anna@firma.dk',
    password_hash: null,
    first_name: 'Anna',
    last_name: 'Holm',
    language: 'da',
    license: 'standard',
    caller_id: null,
    forward_number: null,
    photo_url: null,
    role: 'user',
    allowed_apps: ['ipad'],
    calendar_sync_id: null,
    external_id: 'guid-1',
    directory_fields: ['Volvo', '', '', '', '', ''],
    welcome_sent_at: null,
    portal_first_use_at: null,
    mobile_app_first_use_at: null,
    desktop_app_first_use_at: null,
    search_text: '',
    created_at: new Date(0),
    updated_at: new Date(0),
    lines: [
      { id: 'l1', org_id: 'org', user_id: 'u', slot: 'primary', number: '201', line_type: 'office_fixed', alias_extension: null, created_at: new Date(0) },
    ],
    groupIds: [SALES.id],
    ...overrides,
  };
}

const csvRow = (cells: CsvRow['cells']): CsvRow => ({ row: 3, line: 4, cells });

describe('users CSV format', () => {
  it('escapes formula cells with one apostrophe and restores them exactly', () => {
    for (const value of ['=1+1', '@SUM(A1)', '-', '-5', "'=x", "''@y", '\tx', '+45 70', 'Søren', "'plain", '']) {
      expect(unescapeCell(escapeCell(value))).toBe(value);
    }
    expect(escapeCell('=1+1')).toBe("'=1+1");
    expect(escapeCell('+4570112233')).toBe('+4570112233');
    expect(escapeCell('Søren')).toBe('Søren');
  });

  it('writes a BOM, ";" and CRLF, quoting cells that need it', () => {
    const text = usersCsv([userToCsvRecord(user({ last_name: 'Holm; Jr.' }), new Map([[SALES.id, SALES.name]]), ORG)]);
    expect(text).toBe(
      `\uFEFF${USER_CSV_COLUMNS.join(';')}\r\n00000000-0000-4000-8000-0000000000aa;anna@firma.dk;Anna;"Holm; Jr.";da;standard;user;;;guid-1;;;ipad;Salg;201;office_fixed;;;;;Volvo;;;;;\r\n`,
    );
  });

  it('parses BOM, ";", quotes, line breaks in cells and æøå, skipping blank rows', () => {
    const parsed = parseUsersCsv('\uFEFFUserName;FIRSTNAME;dir1\r\nsøren@firma.dk;Søren;"a;b\r\nc ""d"""\r\n\r\n;;\r\nåse@firma.dk;Åse;\r\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows).toEqual([
      { row: 1, line: 2, cells: { username: 'søren@firma.dk', firstName: 'Søren', dir1: 'a;b\r\nc "d"' } },
      { row: 4, line: 6, cells: { username: 'åse@firma.dk', firstName: 'Åse', dir1: '' } },
    ]);
  });

  it('detects "," and tab delimiters from the header', () => {
    expect(parseUsersCsv('username,firstName\na@x.dk,"A; B"\n').rows[0]?.cells).toEqual({ username: 'a@x.dk', firstName: 'A; B' });
    expect(parseUsersCsv('username\tfirstName\na@x.dk\tA,B\n').rows[0]?.cells).toEqual({ username: 'a@x.dk', firstName: 'A,B' });
  });

  it('refuses unknown, repeated and missing header columns naming them', () => {
    const fieldOf = (text: string) => {
      try {
        parseUsersCsv(text);
      } catch (e) {
        return (e as AppError).field;
      }
      return undefined;
    };
    expect(fieldOf('username;shoeSize\n')).toBe('header.shoeSize');
    expect(fieldOf('username;Username\n')).toBe('header.Username');
    expect(fieldOf('firstName;lastName\n')).toBe('header.username');
    expect(fieldOf('username;;x\na;b;c\n')).toBe('header.2');
    expect(fieldOf('')).toBe('body');
    expect(parseUsersCsv('username;;\na@x.dk;;\n').rows).toHaveLength(1);
  });

  it('reports rows with the wrong number of columns, but accepts trailing empty cells', () => {
    const parsed = parseUsersCsv('username;firstName\na@x.dk\nb@x.dk;B;;\nc@x.dk;C;extra\n');
    expect(parsed.rows.map((r) => r.row)).toEqual([2]);
    expect(parsed.problems.map((p) => [p.field, p.message])).toEqual([
      ['rows.1', 'Row 1 has 1 columns, the header has 2'],
      ['rows.3', 'Row 3 has 3 columns, the header has 2'],
    ]);
  });

  it('maps service fields onto columns', () => {
    const lines = [
      { slot: 'primary' as const, number: '201', lineType: 'office_fixed' as const },
      { slot: 'secondary' as const, number: '202', lineType: 'office_mobile' as const },
    ];
    expect(columnOfField('lines.1.number', lines)).toBe('secondaryNumber');
    expect(columnOfField('lines.0.aliasExtension', lines)).toBe('primaryAlias');
    expect(columnOfField('lines', lines)).toBe('primaryNumber');
    expect(columnOfField('groupIds.3', lines)).toBe('groups');
    expect(columnOfField('directoryFields.5', lines)).toBe('dir6');
    expect(columnOfField('username', lines)).toBe('username');
    expect(columnOfField('password', lines)).toBeUndefined();
  });

  it('puts the first problem in field and message and at most 100 in details', () => {
    const problems = Array.from({ length: 150 }, (_, i) => ({
      row: 150 - i,
      line: 151 - i,
      field: `rows.${150 - i}.username`,
      code: 'validation_failed' as const,
      message: 'username: bad',
    }));
    const err = importFailed(problems);
    expect(err).toMatchObject({
      status: 400,
      code: 'validation_failed',
      field: 'rows.1.username',
      message: 'Row 1: username: bad (and 149 more problems; see details)',
    });
    expect(err.details).toHaveLength(100);
  });
});

describe('planRow', () => {
  it('creates with defaults from empty cells', () => {
    const { plan, problems } = planRow(csvRow({ username: ' Bo@Firma.DK ', groups: 'salg', primaryNumber: '+45 70 11 22 33' }), undefined, lookups());
    expect(problems).toEqual([]);
    expect(plan).toMatchObject({
      kind: 'create',
      body: {
        username: 'bo@firma.dk',
        firstName: '',
        lastName: '',
        groupIds: [SALES.id],
        directoryFields: ['', '', '', '', '', ''],
        lines: [{ slot: 'primary', number: '+4570112233', lineType: 'office_fixed', aliasExtension: null }],
      },
    });
  });

  it('finds nothing to change when the cells are empty or equal', () => {
    const cells = {
      username: 'anna@firma.dk',
      firstName: 'Anna',
      allowedApps: 'IPAD',
      groups: 'Salg',
      primaryNumber: '201',
      primaryLineType: 'office_fixed',
      dir1: 'Volvo',
      dir2: '',
    };
    expect(planRow(csvRow(cells), user(), lookups()).plan?.kind).toBe('unchanged');
    expect(planRow(csvRow({}), user(), lookups()).plan?.kind).toBe('unchanged');
  });

  it('clears with "-" and changes only what differs', () => {
    const { plan } = planRow(csvRow({ externalId: '-', allowedApps: '-', groups: '-', dir1: '-', lastName: 'Holm', primaryNumber: '-' }), user(), lookups());
    expect(plan).toMatchObject({
      kind: 'update',
      patch: { externalId: null, allowedApps: [], groupIds: [], directoryFields: ['', '', '', '', '', ''], lines: [] },
    });
    expect(plan?.kind === 'update' && Object.keys(plan.patch).sort()).toEqual(['allowedApps', 'directoryFields', 'externalId', 'groupIds', 'lines']);
  });

  it('names each bad cell', () => {
    const { plan, problems } = planRow(
      csvRow({
        username: '-',
        language: 'klingon',
        primaryLineType: '-',
        secondaryNumber: '202',
        groups: 'Salg|Nope',
        callerId: 'call me',
        secondaryAlias: 'x',
      }),
      user({ lines: [] }),
      lookups(),
    );
    expect(plan).toBeUndefined();
    expect(problems.map((p) => p.field)).toEqual([
      'rows.3.username',
      'rows.3.language',
      'rows.3.callerId',
      'rows.3.groups',
      'rows.3.primaryLineType',
      'rows.3.secondaryAlias',
      'rows.3.secondaryNumber',
    ]);
    expect(problems.find((p) => p.field === 'rows.3.secondaryNumber')?.message).toBe('secondaryNumber: A secondary line needs a primary line');
  });

  it('keeps a scoped admin to its groups and away from administrator roles', () => {
    const scope: Scope = { kind: 'groups', groupIds: new Set([SALES.id]) };
    expect(planRow(csvRow({ username: 'x@firma.dk', groups: 'Other' }), undefined, lookups(scope)).problems.map((p) => p.message)).toEqual([
      'groups: unknown group "Other"',
    ]);
    expect(planRow(csvRow({ username: 'x@firma.dk' }), undefined, lookups(scope)).problems.map((p) => p.field)).toEqual(['rows.3.groups']);
    expect(planRow(csvRow({ firstName: 'Boss' }), user({ role: 'org_admin' }), lookups(scope)).problems.map((p) => p.code)).toEqual(['forbidden']);
    expect(planRow(csvRow({ firstName: 'Anna' }), user({ role: 'org_admin' }), lookups(scope)).plan?.kind).toBe('unchanged');
  });

  it('leaves out of a scoped admin export the groups it does not administer', () => {
    const record = userToCsvRecord(user({ groupIds: [SALES.id, OTHER.id] }), new Map([SALES, OTHER].map((g) => [g.id, g.name])), {
      kind: 'groups',
      groupIds: new Set([SALES.id]),
    });
    expect(record[USER_CSV_COLUMNS.indexOf('groups')]).toBe('Salg');
  });
});

describe('AppError of a failed import', () => {
  it('is a 400 validation_failed', () => {
    expect(importFailed([])).toBeInstanceOf(AppError);
  });
});
