import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bitString, booleanTrue, explicit, implicitPrimitive, objectIdentifier, octetString, sequence, set, time, unsignedInteger, utf8String } from './der.ts';

export interface TlsMaterial {
  cert: string;
  key: string;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

const TEN_YEARS_MS = 3650 * 24 * 3600 * 1000;

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(objectIdentifier(oid), booleanTrue(), octetString(value)) : sequence(objectIdentifier(oid), octetString(value));
}

/**
 * An EC P-256 certificate for CN=vaxel with SAN DNS:localhost and IP:127.0.0.1, valid ten years.
 * EC rather than RSA because key generation takes a millisecond instead of a noticeable pause at first start.
 */
export function createSelfSignedCertificate(now: Date = new Date()): TlsMaterial {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const signatureAlgorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const name = sequence(set(sequence(objectIdentifier(OID.commonName), utf8String('vaxel'))));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) | 0x01; // never an all-zero serial (RFC 5280 wants a positive one)
  // Backdated an hour so a peer whose clock runs slightly behind still accepts it.
  const notBefore = new Date(now.getTime() - 3600 * 1000);
  const notAfter = new Date(now.getTime() + TEN_YEARS_MS);
  const extensions = sequence(
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.keyUsage, true, Buffer.from([0x03, 0x02, 0x07, 0x80])), // digitalSignature
    extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth), objectIdentifier(OID.clientAuth))),
    extension(OID.subjectAltName, false, sequence(implicitPrimitive(2, Buffer.from('localhost', 'latin1')), implicitPrimitive(7, Buffer.from([127, 0, 0, 1])))),
  );
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    unsignedInteger(serial),
    signatureAlgorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value, as X.509 wants
  const der = sequence(tbs, signatureAlgorithm, bitString(signature));
  const cert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { cert, key };
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, path);
}

/**
 * The certificate in `<dataDir>/tls/{cert,key}.pem`, created on first use and reused afterwards so
 * phones that pinned it keep working. An expired one is replaced; a pair that does not match is an
 * operator problem and is reported, not overwritten.
 */
export async function loadOrCreateSelfSigned(dataDir: string, now: Date = new Date()): Promise<TlsMaterial & { created: boolean }> {
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const [cert, key] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (cert !== null && key !== null) {
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error(`${certPath} does not match ${keyPath}`);
    if (new Date(x509.validTo).getTime() > now.getTime()) return { cert, key, created: false };
  }
  const fresh = createSelfSignedCertificate(now);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Key first: a cert on disk then always has its key beside it.
  await writeAtomically(keyPath, fresh.key, 0o600);
  await writeAtomically(certPath, fresh.cert, 0o644);
  return { ...fresh, created: true };
}
