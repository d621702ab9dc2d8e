// Test fixture: a realistic Active Directory LDIF export with good and broken entries.

/** Lines of an ldifde-style Active Directory export; the comment on each is its line number. */
export const AD_EXPORT_LINES: readonly string[] = [
  'version: 1', // 1
  '# Exported from DC01.firma.local with ldifde', // 2
  ' continued comment, not an attribute: x', // 3 folded continuation of the comment
  '', // 4
  'dn:: Q049U8O4cmVuIMOGcsO4LE9VPUJydWdlcmUs', // 5  base64 of a UTF-8 dn, folded
  ' T1U9RmlybWEsREM9ZmlybWEsREM9bG9jYWw=', // 6
  'changetype: add', // 7
  'objectClass: top', // 8
  'objectClass: person', // 9
  'objectClass: organizationalPerson', // 10
  'objectClass: user', // 11
  'cn:: U8O4cmVuIMOGcsO4', // 12 "Søren Ærø"
  'sn:: w4Zyw7g=', // 13 "Ærø"
  'givenName: Søren', // 14 raw UTF-8
  'displayName:: U8O4cmVuIMOGcsO4', // 15
  '# a comment inside the entry', // 16
  'title: Supporter', // 17
  'department: Kundeservice og', // 18
  '  drift', // 19 one space removed, the second kept
  'company: Firma A/S', // 20
  'l:: S8O4YmVuaGF2biDDmA==', // 21 "København Ø"
  'telephoneNumber: +45 88 88 77 10', // 22
  'mobile: +45 20 30 40 50', // 23
  'mail: Soren.Aero@Firma.dk', // 24
  'userPrincipalName: soren@firma.local', // 25
  'objectGUID:: /xmWb4aLEdC0LQDAT8lk/w==', // 26
  'employeeID: 1001', // 27
  'preferredLanguage: da-DK', // 28
  'memberOf: CN=Salg,OU=Grupper,DC=firma,DC=local', // 29
  'memberOf: CN=Support,OU=Grupper,DC=firma,DC=local', // 30
  '', // 31
  'dn: CN=Åse Østergård,OU=Brugere,OU=Firma,DC=firma,DC=local', // 32 raw UTF-8
  'objectClass: top', // 33
  'objectClass: person', // 34
  'objectClass: organizationalPerson', // 35
  'objectClass: user', // 36
  'cn: Åse Østergård', // 37
  'givenName: Åse', // 38
  'sn: Østergård', // 39
  'userPrincipalName: aase@firma.dk', // 40
  'employeeID: 1002', // 41
  'preferredLanguage: nb-NO', // 42
  'description:: IGxlYWRpbmcgc3BhY2U=', // 43 " leading space"
  'info:  two spaces before, one after ', // 44
  '', // 45
  'dn: CN=Broken Line,OU=Brugere,DC=firma,DC=local', // 46
  'objectClass: user', // 47
  'this line has no colon', // 48
  'mail: broken@firma.dk', // 49
  '', // 50
  'dn: CN=Bad Base64,OU=Brugere,DC=firma,DC=local', // 51
  'objectClass: user', // 52
  'cn:: !!!notbase64', // 53
  '', // 54
  'objectClass: user', // 55
  'dn: CN=Late Dn,OU=Brugere,DC=firma,DC=local', // 56
  '', // 57
  'dn: CN=Salg,OU=Grupper,DC=firma,DC=local', // 58
  'objectClass: top', // 59
  'objectClass: group', // 60
  'cn: Salg', // 61
  '', // 62
  'dn: CN=Photo Url,OU=Brugere,DC=firma,DC=local', // 63
  'objectClass: user', // 64
  'mail: photo@firma.dk', // 65
  'jpegPhoto:< file:///tmp/photo.jpg', // 66
  '', // 67
  'dn: CN=Jean Dupont,OU=Brugere,DC=firma,DC=local', // 68
  'objectClass: inetOrgPerson', // 69
  'cn: Jean Dupont', // 70
  'mail: jean.dupont@firma.fr', // 71
  'preferredLanguage: fr', // 72
  'thumbnailPhoto:: //4AgA==', // 73 binary: stays base64
];

/** The AD export above as one CRLF text. */
export const AD_EXPORT = AD_EXPORT_LINES.join('\r\n') + '\r\n';
