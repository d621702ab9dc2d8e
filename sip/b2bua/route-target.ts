import type { SipOrg, SipTrunk } from '../directory.ts';

export type RouteDecision =
  | { kind: 'user'; userId: string }
  | { kind: 'trunk'; trunk: SipTrunk; number: string; presentedNumber?: string }
  | { kind: 'not_found' }
  | { kind: 'no_route' };

/** Emergency and service numbers that skip number conversion (SPEC §3). */
const UNCONVERTED = new Set(['112', '114']);

/**
 * Where a number dialled by a user of `org` goes: one of the organization's users (line number,
 * alias extension or a device's SIP username), else — when it is an external number after the
 * caller's number conversion — the organization's first trunk.
 */
export function routeTarget(org: SipOrg, dialled: string, convert: (n: string) => string): RouteDecision {
  const direct = org.numbers.get(dialled);
  if (direct) return { kind: 'user', userId: direct };
  const account = org.accounts.get(dialled.toLowerCase());
  if (account?.userId) return { kind: 'user', userId: account.userId };
  const digits = dialled.replace(/[\s().-]/g, '');
  if (!/^\+?[0-9*#]+$/.test(digits)) return { kind: 'not_found' };
  const converted = UNCONVERTED.has(digits) ? digits : convert(digits);
  const internal = org.numbers.get(converted);
  if (internal) return { kind: 'user', userId: internal };
  if (inInternalRange(org, converted) || inInternalRange(org, digits)) return { kind: 'not_found' };
  const external = converted.startsWith('+') || UNCONVERTED.has(converted) || /^[0-9]{7,}$/.test(converted);
  if (!external) return { kind: 'not_found' };
  if (inPublicRange(org, converted)) return { kind: 'not_found' }; // our own number, not assigned to anyone
  const trunk = org.trunks[0];
  return trunk ? { kind: 'trunk', trunk, number: converted } : { kind: 'no_route' };
}

function inRange(n: string, start: string, end: string): boolean {
  return n.length === start.length && n >= start && n <= end;
}

function inInternalRange(org: SipOrg, n: string): boolean {
  return org.ranges.some((r) => r.kind === 'internal' && inRange(n, r.start, r.end));
}

function inPublicRange(org: SipOrg, n: string): boolean {
  return org.ranges.some((r) => r.kind === 'public' && inRange(n, r.start, r.end));
}
