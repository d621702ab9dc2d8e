import { describe, it, expect } from 'vitest';
import type { LdifEntry } from './ldif.ts';
import { guidFromObjectGuid, ldifEntryToUser, mapPreferredLanguage, parseLdif } from './ldif.ts';
import { AD_EXPORT } from './ldif-ad-export.fixture.ts';

const entry = (attributes: Record<string, string[]>, extra: Partial<LdifEntry> = {}): LdifEntry => ({
  line: 7,
  dn: 'CN=Test,DC=firma,DC=local',
  attributes: { objectclass: ['top', 'person', 'organizationalPerson', 'user'], ...attributes },
  ...extra,
});

describe('ldifEntryToUser on an Active Directory export', () => {
  it('maps the users and skips the group, with exact results', () => {
    expect(parseLdif(AD_EXPORT).entries.map(ldifEntryToUser)).toEqual([
      {
        ok: true,
        user: {
          dn: 'CN=Søren Ærø,OU=Brugere,OU=Firma,DC=firma,DC=local',
          username: 'soren.aero@firma.dk',
          externalId: '6f9619ff-8b86-d011-b42d-00c04fc964ff',
          firstName: 'Søren',
          lastName: 'Ærø',
          displayName: 'Søren Ærø',
          phone: '+45 88 88 77 10',
          mobile: '+45 20 30 40 50',
          language: 'da',
          title: 'Supporter',
          department: 'Kundeservice og drift',
          company: 'Firma A/S',
          city: 'København Ø',
        },
      },
      {
        ok: true,
        user: {
          dn: 'CN=Åse Østergård,OU=Brugere,OU=Firma,DC=firma,DC=local',
          username: 'aase@firma.dk',
          externalId: '1002',
          firstName: 'Åse',
          lastName: 'Østergård',
          displayName: 'Åse Østergård',
          language: 'nb',
        },
      },
      { ok: false, line: 58, field: 'objectClass', message: 'not a user (objectClass: top, group)' },
      {
        ok: true,
        user: {
          dn: 'CN=Jean Dupont,OU=Brugere,DC=firma,DC=local',
          username: 'jean.dupont@firma.fr',
          externalId: 'CN=Jean Dupont,OU=Brugere,DC=firma,DC=local',
          displayName: 'Jean Dupont',
          language: 'fr',
        },
      },
    ]);
  });
});

describe('ldifEntryToUser', () => {
  it('takes the username from mail before userPrincipalName, trimmed and lower-cased', () => {
    const result = ldifEntryToUser(entry({ mail: ['  Anna@Firma.DK '], userprincipalname: ['anna@firma.local'] }));
    expect(result).toMatchObject({ ok: true, user: { username: 'anna@firma.dk' } });
  });

  it('falls back to userPrincipalName when mail is missing, blank or not an email', () => {
    expect(ldifEntryToUser(entry({ userprincipalname: ['bo@firma.dk'] }))).toMatchObject({
      user: { username: 'bo@firma.dk' },
    });
    expect(ldifEntryToUser(entry({ mail: ['  '], userprincipalname: ['bo@firma.dk'] }))).toMatchObject({
      user: { username: 'bo@firma.dk' },
    });
    expect(ldifEntryToUser(entry({ mail: ['bo'], userprincipalname: ['bo@firma.dk'] }))).toMatchObject({
      user: { username: 'bo@firma.dk' },
    });
  });

  it('fails on the username field when no email can be found', () => {
    expect(ldifEntryToUser(entry({}))).toEqual({
      ok: false,
      line: 7,
      field: 'mail',
      message: 'entry has neither mail nor userPrincipalName',
    });
    expect(ldifEntryToUser(entry({ userprincipalname: ['bo@FIRMA'] }))).toEqual({
      ok: false,
      line: 7,
      field: 'userPrincipalName',
      message: '"bo@FIRMA" is not an email address',
    });
    expect(ldifEntryToUser(entry({ mail: ['bo at firma'], userprincipalname: ['bo@FIRMA'] }))).toMatchObject({
      field: 'mail',
      message: '"bo at firma" is not an email address',
    });
  });

  it('takes the externalId from objectGUID, else employeeID, else the dn', () => {
    const mail = ['a@b.dk'];
    const guid = ldifEntryToUser(entry({ mail, objectguid: ['AQIDBAUGBwgJCgsMDQ4PEA=='], employeeid: ['42'] }));
    expect(guid).toMatchObject({ user: { externalId: '04030201-0605-0807-090a-0b0c0d0e0f10' } });
    expect(ldifEntryToUser(entry({ mail, employeeid: [' 42 '] }))).toMatchObject({ user: { externalId: '42' } });
    expect(ldifEntryToUser(entry({ mail }))).toMatchObject({ user: { externalId: 'CN=Test,DC=firma,DC=local' } });
  });

  it('fails on an objectGUID that is not 16 bytes', () => {
    expect(ldifEntryToUser(entry({ mail: ['a@b.dk'], objectguid: ['AQID'] }))).toEqual({
      ok: false,
      line: 7,
      field: 'objectGUID',
      message: 'objectGUID is neither 16 bytes of base64 nor a GUID',
    });
  });

  it('uses cn as displayName when displayName is missing', () => {
    expect(ldifEntryToUser(entry({ mail: ['a@b.dk'], cn: ['Anna B'] }))).toMatchObject({
      user: { displayName: 'Anna B' },
    });
    expect(ldifEntryToUser(entry({ mail: ['a@b.dk'], cn: ['Anna B'], displayname: ['Anna'] }))).toMatchObject({
      user: { displayName: 'Anna' },
    });
  });

  it('leaves out fields the entry has no value for', () => {
    expect(ldifEntryToUser(entry({ mail: ['a@b.dk'], title: [''], preferredlanguage: ['de'] }))).toEqual({
      ok: true,
      user: { dn: 'CN=Test,DC=firma,DC=local', username: 'a@b.dk', externalId: 'CN=Test,DC=firma,DC=local' },
    });
  });

  it('accepts person and inetOrgPerson entries, case-insensitively', () => {
    expect(ldifEntryToUser(entry({ objectclass: ['InetOrgPerson'], mail: ['a@b.dk'] })).ok).toBe(true);
    expect(ldifEntryToUser(entry({ objectclass: ['PERSON'], mail: ['a@b.dk'] })).ok).toBe(true);
  });

  it('skips groups, computer accounts and entries without objectClass', () => {
    const computer = ['top', 'person', 'organizationalPerson', 'user', 'computer'];
    expect(ldifEntryToUser(entry({ objectclass: computer, mail: ['pc@b.dk'] }))).toEqual({
      ok: false,
      line: 7,
      field: 'objectClass',
      message: 'not a user (objectClass: top, person, organizationalperson, user, computer)',
    });
    expect(ldifEntryToUser(entry({ objectclass: [], mail: ['a@b.dk'] }))).toEqual({
      ok: false,
      line: 7,
      field: 'objectClass',
      message: 'entry has no objectClass',
    });
  });

  it('skips change records other than add', () => {
    expect(ldifEntryToUser(entry({ mail: ['a@b.dk'] }, { changetype: 'delete' }))).toEqual({
      ok: false,
      line: 7,
      field: 'changetype',
      message: 'changetype "delete" is not an importable user (only add)',
    });
    expect(ldifEntryToUser(entry({ mail: ['a@b.dk'] }, { changetype: 'add' })).ok).toBe(true);
  });
});

describe('guidFromObjectGuid', () => {
  it('reads the first three groups of AD bytes little-endian', () => {
    expect(guidFromObjectGuid('/xmWb4aLEdC0LQDAT8lk/w==')).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff');
  });

  it('accepts an already formatted GUID with or without braces', () => {
    expect(guidFromObjectGuid('{6F9619FF-8B86-D011-B42D-00C04FC964FF}')).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff');
    expect(guidFromObjectGuid('6f9619ff-8b86-d011-b42d-00c04fc964ff')).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff');
  });

  it('rejects other lengths and non-base64 text', () => {
    expect(guidFromObjectGuid('AQID')).toBeUndefined();
    expect(guidFromObjectGuid('not a guid')).toBeUndefined();
    expect(guidFromObjectGuid('')).toBeUndefined();
  });
});

describe('mapPreferredLanguage', () => {
  it('maps language tags to portal languages', () => {
    const cases: Array<[string, string]> = [
      ['da', 'da'],
      ['da-DK', 'da'],
      ['sv-SE', 'sv'],
      ['nb', 'nb'],
      ['nb_NO', 'nb'],
      ['no', 'nb'],
      ['fr-CA', 'fr'],
      ['EN-gb', 'en'],
      ['en-GB;q=0.8, da', 'en'],
    ];
    for (const [input, expected] of cases) expect(mapPreferredLanguage(input), input).toBe(expected);
  });

  it('returns undefined for other or missing languages', () => {
    for (const input of ['de', 'nn-NO', '', 'constructor', undefined]) expect(mapPreferredLanguage(input)).toBeUndefined();
  });
});
