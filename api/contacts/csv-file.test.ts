import { describe, expect, it } from 'vitest';
import { decodeText, detectDelimiter, guessMapping, hasContactFileExtension, parseRows } from './csv-file.ts';

describe('contact files', () => {
  it('accepts only .txt and .rtx names, in any case', () => {
    expect(['a.txt', 'KONTAKTER.TXT', 'b.Rtx', 'c.csv.txt'].map(hasContactFileExtension)).toEqual([true, true, true, true]);
    expect(['a.csv', 'a.txt.csv', 'txt', 'a.rtf', ''].map(hasContactFileExtension)).toEqual([false, false, false, false, false]);
  });

  it('decodes UTF-8 with and without a BOM, UTF-16 from Excel and windows-1252 from old Excel', () => {
    expect(decodeText(Buffer.from('\uFEFFÆble;Øl;Å', 'utf8'))).toEqual({ text: 'Æble;Øl;Å', encoding: 'utf-8' });
    expect(decodeText(Buffer.from('Søren', 'utf8'))).toEqual({ text: 'Søren', encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Bødker\tÅse', 'utf16le')]))).toEqual({
      text: 'Bødker\tÅse',
      encoding: 'utf-16le',
    });
    expect(decodeText(Buffer.from([0x53, 0xf8, 0x72, 0x65, 0x6e, 0x3b, 0xe6, 0xe5, 0x3b, 0x80, 0x96]))).toEqual({
      text: 'Søren;æå;€–',
      encoding: 'windows-1252',
    });
    expect(decodeText(Buffer.from('plain', 'utf8'), 'ISO-8859-1').encoding).toBe('windows-1252');
  });

  it('detects the delimiter from the first lines, ignoring delimiters inside quotes', () => {
    expect(detectDelimiter('Fornavn;Efternavn;Telefon\nÅse;Bødker;+4570000000')).toBe(';');
    expect(detectDelimiter('First Name,Last Name\nAda,Lovelace')).toBe(',');
    expect(detectDelimiter('a\tb\tc\n1\t2\t3')).toBe('\t');
    expect(detectDelimiter('"Jensen, Kasper";+4570000000\n"Hansen, Bo";+4570000001')).toBe(';');
    expect(detectDelimiter('just one column\nanother')).toBe(';');
    expect(detectDelimiter('')).toBe(';');
  });

  it('splits quoted cells, keeps ragged rows and drops empty ones', () => {
    const rows = parseRows('Navn;Adresse\r\n"Bo ""B"" Ek";"Vej 1\nNærum"\r\n;;\r\n\r\nÅse\r\n', ';');
    expect(rows).toEqual([['Navn', 'Adresse'], ['Bo "B" Ek', 'Vej 1\nNærum'], ['Åse']]);
  });

  it('refuses text that is not CSV, as an invalid file', () => {
    expect(() => parseRows('a;"b\nc;d', ';')).toThrow(expect.objectContaining({ code: 'invalid_file', field: 'file' }));
  });

  it('maps Danish Outlook headers', () => {
    const rows = [
      [
        'Fornavn',
        'Efternavn',
        'Firma',
        'Afdeling',
        'Firmaadresse',
        'Telefon (arbejde)',
        'Mobiltelefon',
        'Telefon (privat)',
        'E-mail-adresse',
        'Kortnavn',
        'Hurtigopkald',
        'Kontakttype',
      ],
    ];
    expect(guessMapping(rows, 12)).toEqual({
      hasHeader: true,
      suggestedMapping: {
        firstName: 0,
        lastName: 1,
        company: 2,
        department: 3,
        address: 4,
        workNumber: 5,
        mobileNumber: 6,
        homeNumber: 7,
        email: 8,
        shortName: 9,
        speedDial: 10,
        type: 11,
      },
    });
    expect(guessMapping([['Fornavn', 'Efternavn', 'Telefon', 'Mobil', 'E-mail', 'Adresse']], 6).suggestedMapping).toEqual({
      firstName: 0,
      lastName: 1,
      workNumber: 2,
      mobileNumber: 3,
      email: 4,
      address: 5,
    });
  });

  it('maps English Outlook headers', () => {
    const rows = [['First Name', 'Last Name', 'Company', 'Department', 'Business Street', 'Business Phone', 'Mobile Phone', 'Home Phone', 'E-mail Address']];
    expect(guessMapping(rows, 9).suggestedMapping).toEqual({
      firstName: 0,
      lastName: 1,
      company: 2,
      department: 3,
      address: 4,
      workNumber: 5,
      mobileNumber: 6,
      homeNumber: 7,
      email: 8,
    });
  });

  it('guesses e-mail and phone columns from the data when there is no header', () => {
    const rows = [
      ['Åse', 'ase@example.dk', '+45 70 00 00 00', '20 30 40 50'],
      ['Bo', 'bo@example.dk', '+45 70 00 00 01', ''],
    ];
    expect(guessMapping(rows, 4)).toEqual({ hasHeader: false, suggestedMapping: { email: 1, workNumber: 2, mobileNumber: 3 } });
  });
});
