import type { StoredRegistration } from '../../store/repos/registrations-repo.ts';

/** "udp:192.0.2.10:5062", "tls:[2001:db8::1]:5061": where the REGISTER came from. */
export function receivedFrom(r: Pick<StoredRegistration, 'receivedTransport' | 'receivedAddress' | 'receivedPort'>): string {
  const host = r.receivedAddress.includes(':') ? `[${r.receivedAddress}]` : r.receivedAddress;
  return `${r.receivedTransport}:${host}:${r.receivedPort}`;
}

/** Whole seconds until the binding expires (rounded up, never negative). */
export function expiresInSeconds(expiresAt: Date, now: number): number {
  return Math.max(0, Math.ceil((expiresAt.getTime() - now) / 1000));
}

/** The public shape of a registration (a binding of the location service). */
export function presentRegistration(r: StoredRegistration, userId: string | null, now: number) {
  return {
    deviceId: r.deviceId,
    userId,
    aor: r.aor,
    contact: r.contact,
    expiresAt: r.expiresAt,
    expiresInSeconds: expiresInSeconds(r.expiresAt, now),
    userAgent: r.userAgent,
    receivedFrom: receivedFrom(r),
  };
}
