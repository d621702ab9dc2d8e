import { describe, it, expect } from 'vitest';
import { parseLdif } from './ldif.ts';
import { AD_EXPORT, AD_EXPORT_LINES } from './ldif-ad-export.fixture.ts';

describe('parseLdif on an Active Directory export', () => {
  const result = parseLdif(AD_EXPORT);

  it('returns the good entries with decoded, unfolded values', () => {
    expect(result.entries).toEqual([
      {
        line: 5,
        dn: 'CN=Søren Ærø,OU=Brugere,OU=Firma,DC=firma,DC=local',
        changetype: 'add',
        attributes: {
          objectclass: ['top', 'person', 'organizationalPerson', 'user'],
          cn: ['Søren Ærø'],
          sn: ['Ærø'],
          givenname: ['Søren'],
          displayname: ['Søren Ærø'],
          title: ['Supporter'],
          department: ['Kundeservice og drift'],
          company: ['Firma A/S'],
          l: ['København Ø'],
          telephonenumber: ['+45 88 88 77 10'],
          mobile: ['+45 20 30 40 50'],
          mail: ['Soren.Aero@Firma.dk'],
          userprincipalname: ['soren@firma.local'],
          objectguid: ['/xmWb4aLEdC0LQDAT8lk/w=='],
          employeeid: ['1001'],
          preferredlanguage: ['da-DK'],
          memberof: ['CN=Salg,OU=Grupper,DC=firma,DC=local', 'CN=Support,OU=Grupper,DC=firma,DC=local'],
        },
      },
      {
        line: 32,
        dn: 'CN=Åse Østergård,OU=Brugere,OU=Firma,DC=firma,DC=local',
        attributes: {
          objectclass: ['top', 'person', 'organizationalPerson', 'user'],
          cn: ['Åse Østergård'],
          givenname: ['Åse'],
          sn: ['Østergård'],
          userprincipalname: ['aase@firma.dk'],
          employeeid: ['1002'],
          preferredlanguage: ['nb-NO'],
          description: [' leading space'],
          info: [' two spaces before, one after '],
        },
      },
      {
        line: 58,
        dn: 'CN=Salg,OU=Grupper,DC=firma,DC=local',
        attributes: { objectclass: ['top', 'group'], cn: ['Salg'] },
      },
      {
        line: 68,
        dn: 'CN=Jean Dupont,OU=Brugere,DC=firma,DC=local',
        attributes: {
          objectclass: ['inetOrgPerson'],
          cn: ['Jean Dupont'],
          mail: ['jean.dupont@firma.fr'],
          preferredlanguage: ['fr'],
          thumbnailphoto: ['//4AgA=='],
        },
      },
    ]);
    expect(result.entries[1]).not.toHaveProperty('changetype');
  });

  it('reports each broken entry once, naming its line, and leaves it out', () => {
    expect(result.errors).toEqual([
      { line: 48, message: 'line has no ":" between attribute and value: "this line has no colon"' },
      { line: 53, message: 'attribute "cn": invalid base64 value' },
      { line: 55, message: 'entry must start with "dn:" (found "objectClass:"; its "dn:" is on line 56)' },
      { line: 66, message: 'attribute "jpegPhoto": URL values (":<") are not supported' },
    ]);
  });

  it('gives the same result with LF line endings', () => {
    expect(parseLdif(AD_EXPORT_LINES.join('\n'))).toEqual(result);
  });
});

describe('parseLdif', () => {
  it('returns nothing for empty input, blank lines or comments only', () => {
    expect(parseLdif('')).toEqual({ entries: [], errors: [] });
    expect(parseLdif('\n\n  \n# only a comment\n')).toEqual({ entries: [], errors: [] });
    expect(parseLdif('version: 1\n')).toEqual({ entries: [], errors: [] });
  });

  it('accepts a BOM and a version line directly followed by the first entry', () => {
    expect(parseLdif('\uFEFFversion: 1\ndn: cn=a\ncn: a\n')).toEqual({
      entries: [{ line: 2, dn: 'cn=a', attributes: { cn: ['a'] } }],
      errors: [],
    });
  });

  it('reports an unsupported version and still parses the entries', () => {
    expect(parseLdif('version: 2\n\ndn: cn=a\ncn: a')).toEqual({
      entries: [{ line: 3, dn: 'cn=a', attributes: { cn: ['a'] } }],
      errors: [{ line: 1, message: 'unsupported LDIF version "2" (only 1)' }],
    });
  });

  it('lower-cases attribute names and keeps options such as ;binary out of the key', () => {
    const { entries } = parseLdif('dn: cn=a\nCN: a\ncn;lang-da: å\nuserCertificate;binary:: AQID\nconstructor: x');
    expect(entries[0]?.attributes).toEqual({ cn: ['a', 'å'], usercertificate: ['AQID'], constructor: ['x'] });
  });

  it('accepts values without a separator space and empty values', () => {
    const { entries } = parseLdif('dn:cn=a\ncn:a\ndescription:\nmail::\n');
    expect(entries[0]).toEqual({ line: 1, dn: 'cn=a', attributes: { cn: ['a'], description: [''], mail: [''] } });
  });

  it('unfolds lines, including a folded comment and a fold inside a multi-byte word', () => {
    const text = 'dn: cn=S\n øren\n# comment\n folded comment: not an attribute\ncn: Sø\n ren Ærø\n';
    expect(parseLdif(text)).toEqual({
      entries: [{ line: 1, dn: 'cn=Søren', attributes: { cn: ['Søren Ærø'] } }],
      errors: [],
    });
  });

  it('treats a whitespace-only line as an entry separator', () => {
    const { entries } = parseLdif('dn: cn=a\ncn: a\n   \ndn: cn=b\ncn: b\n');
    expect(entries.map((e) => [e.line, e.dn])).toEqual([
      [1, 'cn=a'],
      [4, 'cn=b'],
    ]);
  });

  it('keeps base64 of non-UTF-8 bytes as base64 and rejects such a dn', () => {
    const { entries, errors } = parseLdif('dn: cn=a\ncn:: //4AgA==\n\ndn:: //4AgA==\ncn: b\n');
    expect(entries).toEqual([{ line: 1, dn: 'cn=a', attributes: { cn: ['//4AgA=='] } }]);
    expect(errors).toEqual([{ line: 4, message: 'dn: base64 value is not valid UTF-8' }]);
  });

  it('rejects base64 with bad padding or length', () => {
    expect(parseLdif('dn: cn=a\ncn:: QUJD=\n').errors).toEqual([{ line: 2, message: 'attribute "cn": invalid base64 value' }]);
    expect(parseLdif('dn: cn=a\ncn:: QUJ\n').errors).toHaveLength(1);
  });

  it('reports an entry whose first line has no colon, a duplicate dn and an orphan continuation line', () => {
    expect(parseLdif('garbage\ncn: a\n\ndn: cn=b\ndn: cn=c\n\n orphan\n\ndn: cn=ok\n')).toEqual({
      entries: [{ line: 9, dn: 'cn=ok', attributes: {} }],
      errors: [
        { line: 1, message: 'line has no ":" between attribute and value: "garbage"' },
        { line: 5, message: 'entry has more than one "dn:" line' },
        { line: 7, message: 'continuation line (starting with a space) has no line to continue' },
      ],
    });
  });

  it('reports an entry without any dn at its first line', () => {
    expect(parseLdif('cn: a\nsn: b\n').errors).toEqual([{ line: 1, message: 'entry must start with "dn:" (found "cn:")' }]);
  });

  it('reports a URL dn and an invalid attribute name', () => {
    expect(parseLdif('dn:< file:///x\n\ndn: cn=a\nbad name: x\n').errors).toEqual([
      { line: 1, message: 'dn: URL values (":<") are not supported' },
      { line: 4, message: 'invalid attribute name "bad name"' },
    ]);
  });

  it('collects every problem of one entry', () => {
    expect(parseLdif('dn: cn=a\nx\ncn:: %%%%\nphoto:< http://x\n').errors.map((e) => e.line)).toEqual([2, 3, 4]);
  });

  it('reads change records: changetype after dn and "-" between modify operations', () => {
    const text = 'dn: cn=a\nchangetype: modify\nreplace: mail\nmail: a@b.dk\n-\nadd: mobile\nmobile: 1234\n-\n\ndn: cn=b\nchangetype: delete\n';
    expect(parseLdif(text)).toEqual({
      entries: [
        {
          line: 1,
          dn: 'cn=a',
          changetype: 'modify',
          attributes: { replace: ['mail'], mail: ['a@b.dk'], add: ['mobile'], mobile: ['1234'] },
        },
        { line: 10, dn: 'cn=b', changetype: 'delete', attributes: {} },
      ],
      errors: [],
    });
  });

  it('keeps a changetype that follows other attributes as an ordinary attribute', () => {
    expect(parseLdif('dn: cn=a\ncn: a\nchangetype: add\n').entries[0]).toEqual({
      line: 1,
      dn: 'cn=a',
      attributes: { cn: ['a'], changetype: ['add'] },
    });
  });
});
