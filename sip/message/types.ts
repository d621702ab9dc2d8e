/**
 * The SIP message model (RFC 3261 §7). Every string that came off the wire is a "wire string":
 * the bytes decoded as latin1, one char per byte, so a message re-serializes byte-exact and a
 * UTF-8 display name or reason phrase survives untouched. Use `wireToUtf8` / `utf8ToWire`
 * (./wire.ts) at the edges where text is shown to people or built from user input.
 */

/** A header field as it appeared: `name` as written on the wire, `key` the lowercase long form ('v' → 'via'). */
export interface HeaderField {
  name: string;
  key: string;
  /** The value after unfolding (CRLF + LWS → one SP), leading and trailing whitespace trimmed. */
  value: string;
}

export type SipMessage = SipRequest | SipResponse;

export interface SipRequest {
  kind: 'request';
  method: string;
  /** The Request-URI as written. */
  uri: string;
  version: string;
  headers: HeaderField[];
  body: Buffer;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  version: string;
  headers: HeaderField[];
  body: Buffer;
}

export type Params = Map<string, string | null>;

export interface SipUri {
  /** Lowercased scheme: 'sip', 'sips', 'tel' or anything else. */
  scheme: string;
  /** The user part as written (escapes kept), or null. For non-sip schemes, the whole opaque part. */
  user: string | null;
  password: string | null;
  /** Lowercased host; IPv6 references keep their brackets. Empty for non-sip schemes. */
  host: string;
  port: number | null;
  /** uri-parameters, keys lowercased, in order. */
  params: Params;
  /** The raw header part after '?', or null. */
  headers: string | null;
}

/** From, To, Contact, Route, Record-Route, Refer-To, ... values. */
export interface NameAddr {
  /** Display name, unquoted and with quoted-pairs resolved (still a wire string), or null. */
  displayName: string | null;
  uri: SipUri;
  /** The URI text as written (without the angle brackets). */
  rawUri: string;
  /** Header parameters (tag, expires, q, ...), keys lowercased. */
  params: Params;
}

export interface Via {
  /** 'SIP/2.0' protocol name/version are checked by the parser; this is the transport, upper-cased. */
  transport: string;
  host: string;
  port: number | null;
  /** Via parameters (branch, received, rport, maddr, ttl, ...), keys lowercased. rport without a value is ''. */
  params: Params;
}

export interface CSeq {
  seq: number;
  method: string;
}

/** An Authorization / Proxy-Authorization / WWW-Authenticate / Proxy-Authenticate value. */
export interface AuthHeader {
  scheme: string;
  /** Parameter names lowercased, values unquoted. */
  params: Map<string, string>;
}

/** Why a message could not be accepted, and what the RFC says to do about it. */
export interface ParseFailure {
  /** 'reply': answer the request with `status` (only possible when enough headers parsed); 'drop': discard silently. */
  action: 'reply' | 'drop';
  status: number;
  reason: string;
  /** For 420: the unsupported option tags; for 405/501: nothing here (the element adds Allow). */
  unsupported?: string[];
  /** The message as far as it could be read, when the start line and headers were readable. */
  message?: SipMessage;
}
