import { readFile } from 'node:fs/promises';
import { loadOrCreateSelfSigned } from './self-signed-cert.ts';
import type { TlsMaterial } from './self-signed-cert.ts';
import type { SipTransportOptions } from './types.ts';

/** The certificate and key for the TLS and WSS listeners: the operator's files, or our self-signed pair in dataDir. */
export async function loadTlsMaterial(tls: SipTransportOptions['tls']): Promise<TlsMaterial> {
  if (!tls) throw new Error('tlsPort/wssPort need the tls option: { certFile, keyFile } or { dataDir }');
  if ('dataDir' in tls) {
    const { cert, key } = await loadOrCreateSelfSigned(tls.dataDir);
    return { cert, key };
  }
  const [cert, key] = await Promise.all([readFile(tls.certFile, 'utf8'), readFile(tls.keyFile, 'utf8')]);
  return { cert, key };
}
