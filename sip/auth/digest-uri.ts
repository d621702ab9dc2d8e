/**
 * Which digest `uri=` values we accept for a request (see README: stricter than Kamailio, which does
 * not look, but tolerant of clients such as SIPp that put our address there instead of the Request-URI).
 */
export function digestUriAcceptable(digestUri: string, requestUri: string, localHostPorts: readonly string[]): boolean {
  if (digestUri === requestUri) return true;
  const target = sipHostPort(digestUri);
  if (target === null) return false;
  if (target === sipHostPort(requestUri)) return true;
  for (const local of localHostPorts) {
    // Callers usually pass 'host:port' already in this form; the parse is the fallback for 'HOST' or 'host'.
    if (local === target || hostPort(local, 0, 5060) === target) return true;
  }
  return false;
}

/** 'host:port' (host lowercased, the scheme's default port filled in) of a sip:/sips: URI, or null. */
function sipHostPort(uri: string): string | null {
  const colon = uri.indexOf(':');
  if (colon !== 3 && colon !== 4) return null;
  const scheme = uri.slice(0, colon).toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips') return null;
  // '@' cannot appear unescaped in parameters or headers, and the user part may hold ';' and '?'.
  const at = uri.indexOf('@', colon + 1);
  return hostPort(uri, at === -1 ? colon + 1 : at + 1, scheme === 'sips' ? 5061 : 5060);
}

function hostPort(text: string, start: number, defaultPort: number): string | null {
  let end = text.length;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3b /* ; */ || c === 0x3f /* ? */ || c === 0x3e /* > */) {
      end = i;
      break;
    }
  }
  let host: string;
  let portText: string | null = null;
  if (text.charCodeAt(start) === 0x5b /* [ */) {
    const close = text.indexOf(']', start);
    if (close === -1 || close >= end) return null;
    host = text.slice(start, close + 1);
    if (close + 1 < end) {
      if (text.charCodeAt(close + 1) !== 0x3a /* : */) return null;
      portText = text.slice(close + 2, end);
    }
  } else {
    const colon = text.lastIndexOf(':', end - 1);
    if (colon >= start) {
      host = text.slice(start, colon);
      portText = text.slice(colon + 1, end);
    } else {
      host = text.slice(start, end);
    }
  }
  if (host === '') return null;
  let port = defaultPort;
  if (portText !== null) {
    if (!/^[0-9]{1,5}$/.test(portText)) return null;
    port = Number(portText);
    if (port < 1 || port > 65535) return null;
  }
  return `${host.toLowerCase()}:${port}`;
}
