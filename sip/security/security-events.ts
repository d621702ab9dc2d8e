/** The security events of the SIP edge; each is logged as one JSON line (see README). */
export type SecurityEvent = 'sip_scanner_dropped' | 'sip_flood_ban' | 'sip_auth_failed' | 'sip_auth_ban' | 'sip_ban_lifted';

/** Keeps a hostile User-Agent or account name from bloating the log. */
const MAX_FIELD_CHARS = 200;

/** One line of JSON: `t` (ISO time), `event`, `source`, then the event's own fields. JSON escaping keeps CR/LF out. */
export function securityEventLine(now: number, event: SecurityEvent, source: string, fields: Record<string, string | number | null>): string {
  const line: Record<string, string | number | null> = { t: new Date(now).toISOString(), event, source: clip(source) };
  for (const key of Object.keys(fields)) {
    const value = fields[key]!;
    line[key] = typeof value === 'string' ? clip(value) : value;
  }
  return JSON.stringify(line);
}

function clip(value: string): string {
  return value.length > MAX_FIELD_CHARS ? value.slice(0, MAX_FIELD_CHARS) : value;
}
