import { parse } from 'csv-parse/sync';
import { AppError } from '../errors.ts';
import { IMPORT_FIELDS, type ImportField, type ImportMapping } from './schemas.ts';

/** SPEC §4: contact files must end in ".txt" or ".rtx". */
export function hasContactFileExtension(filename: string): boolean {
  return /\.(txt|rtx)$/i.test(filename.trim());
}

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

// windows-1252 differs from latin-1 only in 0x80–0x9F (Node's TextDecoder treats it as latin-1).
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += String.fromCharCode(...Array.from(chunk, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : b)));
  }
  return out;
}

/**
 * Decodes an uploaded file: a BOM decides (UTF-8, or UTF-16 as Excel's "Unicode text" writes), then
 * a declared latin charset; otherwise UTF-8 when the bytes are valid UTF-8, else windows-1252 so
 * æøå from old Excel survive.
 */
export function decodeText(bytes: Uint8Array, declaredCharset?: string): { text: string; encoding: TextEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  if (declaredCharset && /^(windows-1252|cp1252|iso-8859-1|latin-?1)$/i.test(declaredCharset))
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
}

export type Delimiter = ';' | ',' | '\t';
const DELIMITERS: readonly Delimiter[] = [';', '\t', ','];

/** Counts a delimiter outside double quotes, per line, in the first lines of the text. */
function countsPerLine(lines: readonly string[], d: string): number[] {
  return lines.map((line) => {
    let n = 0;
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === d && !quoted) n += 1;
    }
    return n;
  });
}

/**
 * Picks `;`, tab or `,`: the one that splits the most of the first lines into the same number of
 * columns as the first line. Danish Excel writes `;`, so it wins a tie and a one-column file.
 */
export function detectDelimiter(text: string): Delimiter {
  const lines = text
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim().length > 0)
    .slice(0, 20);
  let best: Delimiter = ';';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const counts = countsPerLine(lines, d);
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    const score = counts.filter((c) => c === first).length * 1000 + first;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** Splits CSV text into rows of cells; rows with nothing in them are dropped. */
export function parseRows(text: string, delimiter: Delimiter): string[][] {
  try {
    const rows: string[][] = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true });
    return rows.filter((r) => r.some((c) => c.trim().length > 0));
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new AppError('invalid_file', `The file is not valid CSV${line ? ` (line ${line})` : ''}`, 'file');
  }
}

const HEADERS: Record<ImportField, readonly string[]> = {
  firstName: ['firstname', 'first', 'givenname', 'forename', 'fornavn', 'fornavne', 'förnamn', 'prénom', 'prenom'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'efternavn', 'efternamn', 'etternavn', 'nom'],
  company: ['company', 'companyname', 'organization', 'organisation', 'firma', 'firmanavn', 'virksomhed', 'företag', 'selskap', 'société', 'entreprise'],
  department: ['department', 'dept', 'division', 'afdeling', 'avdelning', 'avdeling', 'département'],
  shortName: ['shortname', 'nickname', 'alias', 'kortnavn', 'kaldenavn', 'smeknamn', 'kallenavn', 'surnom'],
  address: ['address', 'street', 'streetaddress', 'businessstreet', 'adresse', 'firmaadresse', 'gade', 'vej', 'adress', 'gatuadress'],
  email: ['email', 'emailaddress', 'mail', 'emailadresse', 'mailadresse', 'epost', 'epostadresse', 'courriel'],
  speedDial: ['speeddial', 'hurtigopkald', 'hurtigvalg', 'kortvalg', 'snabbval', 'numérorapide'],
  type: ['type', 'contacttype', 'kontakttype', 'kontaktype', 'category', 'kategori'],
  workNumber: [
    'phone',
    'telephone',
    'phonenumber',
    'tel',
    'work',
    'workphone',
    'worknumber',
    'businessphone',
    'officephone',
    'directphone',
    'telefon',
    'telefonnummer',
    'tlf',
    'tlfnr',
    'telefonarbejde',
    'arbejde',
    'arbejdstelefon',
    'firmatelefon',
    'direkte',
    'nummer',
    'number',
    'arbete',
    'jobb',
    'téléphone',
    'telefonnr',
  ],
  mobileNumber: [
    'mobile',
    'mobilephone',
    'mobilenumber',
    'cell',
    'cellphone',
    'cellular',
    'mobil',
    'mobiltelefon',
    'mobilnummer',
    'mobilnr',
    'handy',
    'portable',
  ],
  homeNumber: [
    'home',
    'homephone',
    'homenumber',
    'privat',
    'privattelefon',
    'telefonprivat',
    'hjem',
    'hjemme',
    'hjemmetelefon',
    'hem',
    'hemtelefon',
    'domicile',
  ],
};

const BY_HEADER = new Map<string, ImportField>(IMPORT_FIELDS.flatMap((f) => HEADERS[f].map((h) => [h, f] as const)));

/** "E-mail-adresse" → "emailadresse", "Telefon (arbejde)" → "telefonarbejde". */
function normalizeHeader(cell: string): string {
  return cell.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

const PHONE_LIKE = /^\+?[0-9][0-9\s().-]{5,}$/;
const EMAIL_LIKE = /^[^\s@]+@[^\s@]+$/;

function mostly(rows: readonly string[][], col: number, test: RegExp): boolean {
  const cells = rows.map((r) => (r[col] ?? '').trim()).filter((c) => c.length > 0);
  return cells.length > 0 && cells.filter((c) => test.test(c)).length * 2 > cells.length;
}

/**
 * Guesses the field mapping: from a header row in English, Danish, Swedish, Norwegian or French,
 * else (and for what the header leaves open) e-mail and phone columns from their contents.
 */
export function guessMapping(rows: readonly string[][], columns: number): { hasHeader: boolean; suggestedMapping: ImportMapping } {
  const mapping: ImportMapping = {};
  const first = rows[0] ?? [];
  for (const [i, cell] of first.entries()) {
    const f = BY_HEADER.get(normalizeHeader(cell));
    if (f && mapping[f] === undefined) mapping[f] = i;
  }
  const looksLikeData = first.some((c) => PHONE_LIKE.test(c.trim()) || EMAIL_LIKE.test(c.trim()));
  const hasHeader = Object.keys(mapping).length > 0 && !looksLikeData;
  const suggestedMapping: ImportMapping = hasHeader ? mapping : {};
  const sample = (hasHeader ? rows.slice(1) : rows).slice(0, 50);
  const used = new Set(Object.values(suggestedMapping));
  const free = Array.from({ length: columns }, (_, i) => i).filter((i) => !used.has(i));
  if (suggestedMapping.email === undefined) {
    const col = free.find((i) => mostly(sample, i, EMAIL_LIKE));
    if (col !== undefined) suggestedMapping.email = col;
  }
  if (suggestedMapping.workNumber === undefined && suggestedMapping.mobileNumber === undefined && suggestedMapping.homeNumber === undefined) {
    const phones = free.filter((i) => mostly(sample, i, PHONE_LIKE));
    if (phones[0] !== undefined) suggestedMapping.workNumber = phones[0];
    if (phones[1] !== undefined) suggestedMapping.mobileNumber = phones[1];
  }
  return { hasHeader, suggestedMapping };
}
