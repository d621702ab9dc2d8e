/** The SIP message layer: model, parser, validators, header-value parsers, builders and serializer. */
export type { AuthHeader, CSeq, HeaderField, NameAddr, Params, ParseFailure, SipMessage, SipRequest, SipResponse, SipUri, Via } from './types.ts';
export { percentDecode, utf8ToWire, wireToUtf8 } from './wire.ts';
export { isParseFailure, parseMessage, validateRequest, validateResponse } from './parse.ts';
export { canReply } from './validate.ts';
export {
  formatAuthHeader,
  formatNameAddr,
  formatUri,
  formatVia,
  parseAuthHeader,
  parseContacts,
  parseCSeq,
  parseNameAddr,
  parseParams,
  parseUri,
  parseVia,
  splitList,
  unquote,
} from './parsers.ts';
export {
  appendHeader,
  canonicalName,
  getHeader,
  getHeaderValues,
  headerField,
  headerFields,
  headerKey,
  prependHeader,
  removeHeader,
  setHeader,
} from './headers.ts';
export { createRequest, createResponse, serializeMessage } from './serialize.ts';
export { checkRequestAsElement } from './element-checks.ts';
export type { ElementCheckOptions } from './element-checks.ts';
