import type { FastifyRequest } from 'fastify';
import type { ContactInput } from '../../store/repos/contacts-repo.ts';
import { AppError, invalid } from '../errors.ts';
import { decodeText, detectDelimiter, guessMapping, hasContactFileExtension, parseRows, type TextEncoding } from './csv-file.ts';
import { contactCreate, IMPORT_FIELDS, IMPORT_NUMBER_FIELDS, NAME_FIELDS, type ImportField, type ImportMapping } from './schemas.ts';

/** Rows shown before the user maps the columns. */
export const PREVIEW_ROWS = 20;
const MAX_COLUMNS = 200;
/** Row errors returned in `details` when a commit is refused. */
const MAX_REPORTED_ERRORS = 100;

export interface Upload {
  filename: string;
  bytes: Buffer;
  /** The charset a raw body declared in its Content-Type, if any. */
  charset?: string | undefined;
}

/**
 * Reads the uploaded file: multipart field `file` (the portal), or a raw text/plain, text/csv or
 * octet-stream body with `?filename=` (automation). An oversized file throws 413 from the parser.
 */
export async function readUpload(request: FastifyRequest, filenameQuery: string | undefined): Promise<Upload> {
  if (request.isMultipart()) {
    const part = await request.file();
    if (!part || part.fieldname !== 'file') throw new AppError('invalid_file', 'Send the contact file in the form field "file"', 'file');
    try {
      return { filename: checkedName(part.filename, 'file'), bytes: await part.toBuffer() };
    } finally {
      part.file.resume(); // drain what is left so the connection stays usable
    }
  }
  if (!Buffer.isBuffer(request.body)) {
    throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data (field "file") or as a text/plain body with ?filename=', 'content-type');
  }
  if (!filenameQuery) throw new AppError('invalid_file', 'Give the file name as ?filename=, ending in .txt or .rtx', 'filename');
  const charset = /charset="?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
  return { filename: checkedName(filenameQuery, 'filename'), bytes: request.body, charset };
}

/** The file's own name, without a client's folders; it must end in .txt or .rtx. */
function checkedName(filename: string, field: 'file' | 'filename'): string {
  const name = (filename.split(/[\\/]/).pop() ?? '').trim().slice(0, 255);
  if (!hasContactFileExtension(name)) throw new AppError('invalid_file', 'Contact files must end in .txt or .rtx', field);
  return name;
}

export interface AnalyzedFile {
  delimiter: ';' | ',' | '\t';
  encoding: TextEncoding;
  rows: string[][];
  columns: number;
  hasHeader: boolean;
  suggestedMapping: ImportMapping;
}

/** Decodes, splits and guesses the mapping of an uploaded contact file. */
export function analyzeFile(upload: Upload): AnalyzedFile {
  const { text, encoding } = decodeText(upload.bytes, upload.charset);
  const delimiter = detectDelimiter(text);
  const rows = parseRows(text, delimiter);
  if (rows.length === 0) throw new AppError('invalid_file', 'The file holds no contacts', 'file');
  const columns = rows.reduce((m, r) => Math.max(m, r.length), 0);
  if (columns > MAX_COLUMNS) throw new AppError('invalid_file', `The file has ${columns} columns; at most ${MAX_COLUMNS} are supported`, 'file');
  return { delimiter, encoding, rows, columns, ...guessMapping(rows, columns) };
}

/** Every mapped column must exist in the file; a contact needs a name column and a number column. */
export function checkMapping(mapping: ImportMapping, columns: number): void {
  for (const f of IMPORT_FIELDS) {
    const col = mapping[f];
    if (col !== undefined && col >= columns) throw invalid(`mapping.${f}`, `Column ${col} does not exist: the file has ${columns} columns, numbered from 0`);
  }
  if (!Object.keys(IMPORT_NUMBER_FIELDS).some((f) => mapping[f as ImportField] !== undefined)) {
    throw invalid('mapping', 'Map at least one phone number column (workNumber, mobileNumber or homeNumber)');
  }
  if (!NAME_FIELDS.some((f) => mapping[f] !== undefined)) throw invalid('mapping', 'Map at least one name column (firstName, lastName, company or shortName)');
}

const TYPE_WORDS: Record<string, ContactInput['type']> = {
  '': 'contact',
  contact: 'contact',
  kontakt: 'contact',
  normal: 'contact',
  favourite: 'favourite',
  favorite: 'favourite',
  fav: 'favourite',
  favorit: 'favourite',
  favoritt: 'favourite',
  favori: 'favourite',
  foretrukken: 'favourite',
  foretrukne: 'favourite',
  vip: 'vip',
  blocked: 'blocked',
  block: 'blocked',
  blokeret: 'blocked',
  spærret: 'blocked',
  blockerad: 'blocked',
  blokkert: 'blocked',
  bloqué: 'blocked',
};

export interface RowError {
  field: string;
  message: string;
}

export interface MappedRows {
  contacts: ContactInput[];
  skipped: number;
  errors: RowError[];
}

/**
 * Turns file rows into external contacts with the same rules as the API, collecting every bad
 * row as `rows.N.<field>` (N is the row's 1-based position in the file, as in the preview).
 */
export function mapRows(rows: readonly string[][], mapping: ImportMapping, skipHeader: boolean, usedSpeedDials: ReadonlySet<string>): MappedRows {
  const out: MappedRows = { contacts: [], skipped: 0, errors: [] };
  const speedDials = new Map<string, number>();
  const mapped = IMPORT_FIELDS.filter((f) => mapping[f] !== undefined);
  const firstName = NAME_FIELDS.find((f) => mapping[f] !== undefined) ?? 'firstName';
  const firstNumber = (Object.keys(IMPORT_NUMBER_FIELDS) as ImportField[]).find((f) => mapping[f] !== undefined) ?? 'workNumber';
  for (const [i, row] of rows.entries()) {
    if (skipHeader && i === 0) continue;
    const n = i + 1;
    const cell = (f: ImportField) => (row[mapping[f] ?? -1] ?? '').trim();
    if (mapped.every((f) => cell(f) === '')) {
      out.skipped += 1;
      continue;
    }
    const fail = (f: string, message: string) => out.errors.push({ field: `rows.${n}.${f}`, message: `Row ${n}: ${message}` });
    const type = TYPE_WORDS[cell('type').toLowerCase()];
    if (type === undefined) {
      fail('type', `"${cell('type')}" is not a contact type (favourite, contact, vip or blocked)`);
      continue;
    }
    const numberFields: ImportField[] = [];
    const numbers: { number: string; type: 'work' | 'mobile' | 'home' }[] = [];
    for (const [f, t] of Object.entries(IMPORT_NUMBER_FIELDS) as [ImportField, 'work' | 'mobile' | 'home'][]) {
      if (cell(f) === '') continue;
      numberFields.push(f);
      numbers.push({ number: cell(f), type: t });
    }
    const candidate: Record<string, unknown> = { kind: 'external', type, numbers };
    for (const f of ['firstName', 'lastName', 'company', 'department', 'shortName', 'address', 'email'] as const)
      if (mapping[f] !== undefined) candidate[f] = cell(f);
    if (mapping.speedDial !== undefined) candidate.speedDial = cell('speedDial') || null;
    const parsed = contactCreate.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const [key, index] = issue.path;
      const f =
        key === 'numbers'
          ? ((typeof index === 'number' ? numberFields[index] : undefined) ?? firstNumber)
          : (NAME_FIELDS as readonly unknown[]).includes(key) && mapping[key as ImportField] === undefined
            ? firstName
            : String(key);
      fail(f, issue.message);
      continue;
    }
    const c = parsed.data;
    if (c.speedDial) {
      const earlier = speedDials.get(c.speedDial);
      if (usedSpeedDials.has(c.speedDial)) fail('speedDial', `speed dial ${c.speedDial} is already used in this list`);
      else if (earlier !== undefined) fail('speedDial', `speed dial ${c.speedDial} is also on row ${earlier}`);
      if (usedSpeedDials.has(c.speedDial) || earlier !== undefined) continue;
      speedDials.set(c.speedDial, n);
    }
    out.contacts.push({ ...c, kind: 'external', mandatory: false, numbers: (c.numbers ?? []).map((x) => ({ number: x.number, type: x.type })) });
  }
  return out;
}

/** The refusal of a commit: the first bad row names the field, `details.errors` lists the rest. */
export function rowsRejected(errors: readonly RowError[]): AppError {
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new AppError('validation_failed', `${first.message}${more}; nothing was imported`, first.field, { errors: errors.slice(0, MAX_REPORTED_ERRORS) });
}
