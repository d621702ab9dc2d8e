import type { Remote } from '../transport/index.ts';
import type { SipRequest, SipResponse } from '../message/types.ts';
import { parseNameAddr, parseUri } from '../message/parsers.ts';
import { createResponse } from '../message/serialize.ts';
import { percentDecode, utf8ToWire } from '../message/wire.ts';
import { newCallId, newTag } from '../ids.ts';
import type { RequestContext, SipStack } from '../stack.ts';
import { ALLOW } from '../stack.ts';
import type { InviteServerTransaction, ServerTransaction } from '../transaction/server-transactions.ts';
import type { ClientHandlers } from '../transaction/client-transactions.ts';
import type { Timers } from '../timers.ts';
import type { SipAccount, SipDirectory, SipOrg, SipTrunk } from '../directory.ts';
import type { Authenticator } from '../registrar/authenticator.ts';
import type { LocationService } from '../registrar/location.ts';
import type { Call, CallCause, CdrSink, DialogSide, Leg } from './call-types.ts';
import { field, first, headerParam, inDialogRequest, recordRoutes, uriOf } from './dialog-requests.ts';
import { digestAuthorization } from './client-digest.ts';
import { routeTarget, type RouteDecision } from './route-target.ts';

export interface B2buaOptions {
  stack: SipStack;
  directory: SipDirectory;
  location: LocationService;
  auth: Authenticator;
  timers: Timers;
  cdr: CdrSink;
  /** Ring time before an unanswered call gets 480 (ms). */
  noAnswerMs?: number;
  /** Organizations whose trunks accept traffic from this address. */
  trunkOrgsFor(address: string): Array<{ org: SipOrg; trunk: SipTrunk }>;
  /** Number conversion of a dialled external number for the calling user (SPEC §3). */
  convertNumber?(org: SipOrg, userId: string | null, dialled: string): string;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

interface DialogRef {
  call: Call;
  side: 'a' | 'b';
}

/**
 * The back-to-back user agent: every call is two (or, while ringing, more) dialogs we own.
 * The caller's INVITE is authenticated, routed to the callee's registered devices (forked in
 * parallel, first answer wins) or to the organization's trunk, and everything in-dialog is
 * relayed leg to leg. SDP passes through untouched, so media flows phone to phone.
 */
export class B2bua {
  private readonly dialogs = new Map<string, DialogRef>();
  private readonly byInvite = new Map<string, Call>();
  private readonly outbound = new Map<string, number>();
  private readonly noAnswerMs: number;
  readonly stats = { started: 0, answered: 0, failed: 0, active: 0 };

  constructor(private readonly o: B2buaOptions) {
    this.noAnswerMs = o.noAnswerMs ?? 30_000;
    o.stack.transactions.endOnFirst2xx = true;
  }

  activeCalls(): number {
    return this.stats.active;
  }

  /** A request inside a dialog (it has a To tag) or a new INVITE. */
  onRequest(req: SipRequest, tx: ServerTransaction, ctx: RequestContext): void {
    const toTag = headerParam(first(req, 'to') ?? '', 'tag');
    if (toTag) return this.inDialog(req, tx, ctx, toTag);
    if (req.method === 'INVITE') return this.newCall(req, tx as InviteServerTransaction, ctx);
    if (req.method === 'BYE' || req.method === 'UPDATE' || req.method === 'INFO' || req.method === 'PRACK' || req.method === 'REFER') {
      tx.respond(createResponse(req, 481, 'Call/Transaction Does Not Exist', { toTag: newTag() }));
      return;
    }
    tx.respond(createResponse(req, 405, 'Method Not Allowed', { toTag: newTag(), headers: [['Allow', ALLOW]] }));
  }

  onAck(req: SipRequest): void {
    const toTag = headerParam(first(req, 'to') ?? '', 'tag');
    const ref = toTag ? this.dialogs.get(dialogKey(first(req, 'call-id') ?? '', toTag)) : undefined;
    if (!ref || ref.side !== 'a') return;
    const call = ref.call;
    if (call.winner && call.bAckPending) {
      call.bAckPending = false;
      const ct = first(req, 'content-type');
      const ack = inDialogRequest(call.winner.dialog, 'ACK', { cseq: cseqOf(call.winner.invite), body: req.body, ...(ct ? { contentType: ct } : {}) });
      call.lastBAck = ack;
      this.o.stack.sendAck(ack, call.winner.dialog.flow);
    }
  }

  /** A 2xx that arrived after its transaction ended: re-ACK the winner, hang up a late fork. */
  onStrayResponse(res: SipResponse): void {
    if (res.status < 200 || res.status >= 300 || !(first(res, 'cseq') ?? '').endsWith('INVITE')) return;
    const fromTag = headerParam(first(res, 'from') ?? '', 'tag');
    const callId = first(res, 'call-id') ?? '';
    const ref = fromTag ? this.dialogs.get(dialogKey(callId, fromTag)) : undefined;
    if (!ref || ref.side !== 'b') return;
    const call = ref.call;
    const leg = call.legs.find((l) => l.dialog.callId === callId);
    if (!leg) return;
    const tag = headerParam(first(res, 'to') ?? '', 'tag');
    if (leg === call.winner && tag === leg.dialog.remoteTag) {
      // Our ACK was lost: the 2xx is retransmitted. Send the same ACK again (or it goes when A's ACK comes).
      if (call.lastBAck) this.o.stack.transactions.sendStateless(call.lastBAck, leg.dialog.flow);
      return;
    }
    // A device that answered too late, or a second answer forked behind one contact: ACK and hang it up.
    this.ackAndBye({ ...leg, dialog: { ...leg.dialog } }, res);
  }

  // ---- new calls -------------------------------------------------------------------------

  private newCall(req: SipRequest, tx: InviteServerTransaction, ctx: RequestContext): void {
    const reply = (status: number, reason: string, headers: Array<[string, string]> = []) =>
      tx.respond(createResponse(req, status, reason, { toTag: newTag(), headers }));
    const callId = first(req, 'call-id') ?? '';
    const cseqNo = cseqOf(req);
    const dup = this.byInvite.get(callId + '|' + cseqNo);
    if (dup) return; // the INVITE again after its transaction ended (ACKed): already handled
    const mf = first(req, 'max-forwards');
    const maxForwards = mf === undefined ? 70 : Number.parseInt(mf, 10);
    if (maxForwards <= 0) return reply(483, 'Too Many Hops');
    const ruri = parseUri(req.uri);
    if (!ruri) return reply(400, 'Bad Request: unreadable Request-URI');
    if (ruri.scheme !== 'sip' && ruri.scheme !== 'sips' && ruri.scheme !== 'tel') return reply(416, 'Unsupported URI Scheme');
    const from = parseNameAddr(first(req, 'from') ?? '');
    if (!from) return reply(400, 'Bad Request: unreadable From');
    const dialled = ruri.scheme === 'tel' ? (ruri.user ?? '') : percentDecode(ruri.user ?? '');

    const trunkOrgs = this.o.trunkOrgsFor(ctx.remote.address);
    if (trunkOrgs.length > 0) return this.inboundFromTrunk(req, tx, ctx, trunkOrgs, dialled, from.uri.user ?? '', maxForwards);

    const org = this.o.directory.byHost(ruri.host) ?? this.o.directory.byHost(from.uri.host);
    if (!org) {
      // Unknown domain: challenge like any other so nothing is revealed; nothing can pass it.
      const ch = this.o.auth.challenges(from.uri.host || ruri.host);
      return reply(
        407,
        'Proxy Authentication Required',
        ch.map((c) => ['Proxy-Authenticate', c]),
      );
    }
    const outcome = this.o.auth.authenticate(req, org, 'proxy-authorization', ctx.remote.address);
    if (!outcome.ok)
      return reply(
        407,
        'Proxy Authentication Required',
        outcome.challenges.map((c) => ['Proxy-Authenticate', c]),
      );
    const caller = outcome.account;
    const callerUser = caller.userId ? org.users.get(caller.userId) : undefined;
    const primary = callerUser?.lines.find((l) => l.slot === 'primary');
    const callerNumber = primary?.aliasExtension ?? primary?.number ?? caller.username;
    // What a carrier sees: the user's caller id, else a public line number, else the switchboard.
    const publicLine = callerUser?.lines.find((l) => l.number.startsWith('+'));
    const presentedNumber = callerUser?.callerId || publicLine?.number || org.switchboardNumber || callerNumber;
    const displayName = callerUser?.displayName ?? caller.username;

    const route = routeTarget(org, dialled, (n) => this.o.convertNumber?.(org, caller.userId, n) ?? n);
    const call = this.createCall(org, tx, req, ctx, {
      direction: route.kind === 'trunk' ? 'outbound' : 'internal',
      fromNumber: callerNumber,
      fromUserId: caller.userId,
      toNumber: dialled,
      toUserId: route.kind === 'user' ? route.userId : null,
    });
    this.ringRoute(call, route.kind === 'trunk' ? { ...route, presentedNumber: route.presentedNumber ?? presentedNumber } : route, {
      callerNumber,
      displayName,
      callerAccount: caller,
      maxForwards,
    });
  }

  private inboundFromTrunk(
    req: SipRequest,
    tx: InviteServerTransaction,
    ctx: RequestContext,
    orgs: Array<{ org: SipOrg; trunk: SipTrunk }>,
    dialled: string,
    callerNumber: string,
    maxForwards: number,
  ): void {
    const candidates = dialled.startsWith('+') ? [dialled] : [dialled, '+' + dialled, dialled.startsWith('00') ? '+' + dialled.slice(2) : dialled];
    for (const { org, trunk } of orgs) {
      for (const n of candidates) {
        const userId = org.numbers.get(n);
        if (!userId) continue;
        const call = this.createCall(org, tx, req, ctx, { direction: 'inbound', fromNumber: callerNumber, fromUserId: null, toNumber: n, toUserId: userId });
        call.trunkId = trunk.id;
        const from = parseNameAddr(first(req, 'from') ?? '');
        this.ringRoute(call, { kind: 'user', userId }, { callerNumber, displayName: from?.displayName ?? callerNumber, callerAccount: null, maxForwards });
        return;
      }
    }
    const first0 = orgs[0]!;
    const call = this.createCall(first0.org, tx, req, ctx, {
      direction: 'inbound',
      fromNumber: callerNumber,
      fromUserId: null,
      toNumber: dialled,
      toUserId: null,
    });
    call.trunkId = first0.trunk.id;
    this.fail(call, 404, 'Not Found', 'not_found');
  }

  private createCall(
    org: SipOrg,
    tx: InviteServerTransaction,
    req: SipRequest,
    ctx: RequestContext,
    who: Pick<Call, 'direction' | 'fromNumber' | 'fromUserId' | 'toNumber' | 'toUserId'>,
  ): Call {
    const from = first(req, 'from') ?? '';
    const contact = first(req, 'contact');
    const aDialog: DialogSide = {
      callId: first(req, 'call-id') ?? '',
      localTag: newTag(),
      remoteTag: headerParam(from, 'tag'),
      localUri: uriOf(first(req, 'to') ?? ''),
      remoteUri: uriOf(from),
      remoteTarget: contact ? uriOf(contact) : uriOf(from),
      routeSet: recordRoutes(req),
      flow: ctx.remote,
      localCseq: 0,
      remoteCseq: cseqOf(req),
    };
    const call: Call = {
      id: aDialog.callId,
      org,
      ...who,
      trunkId: null,
      startedAt: this.o.timers.now(),
      answeredAt: null,
      state: 'ringing',
      a: { tx, invite: req, ctx, dialog: aDialog, ringingSent: false, earlyMediaFrom: null },
      legs: [],
      winner: null,
      bAckPending: false,
      lastBAck: null,
      noAnswerTimer: null,
      outboundCounted: false,
    };
    this.stats.started++;
    this.stats.active++;
    this.byInvite.set(aDialog.callId + '|' + aDialog.remoteCseq, call);
    tx.onCancel = () => this.cancelled(call);
    tx.onAckTimeout = () => this.hangUp(call, 'system');
    return call;
  }

  private ringRoute(
    call: Call,
    route: RouteDecision,
    caller: { callerNumber: string; displayName: string; callerAccount: SipAccount | null; maxForwards: number },
  ): void {
    const org = call.org;
    if (route.kind === 'not_found') return this.fail(call, 404, 'Not Found', 'not_found');
    if (route.kind === 'no_route') return this.fail(call, 403, 'Forbidden: no route for external numbers', 'forbidden');
    const tx = call.a.tx;
    const invite = call.a.invite;
    tx.tryingAfter(TRYING_AFTER_MS, () => createResponse(invite, 100, 'Trying'));
    const ct = first(call.a.invite, 'content-type');
    const body = call.a.invite.body;
    const domain = org.domain;
    const name = quoteName(caller.displayName);

    if (route.kind === 'trunk') {
      const trunk = route.trunk;
      const used = this.outbound.get(org.id) ?? 0;
      if (used >= org.maxOutboundCalls) return this.fail(call, 403, 'Forbidden: outbound call limit reached', 'limit_reached');
      this.outbound.set(org.id, used + 1);
      call.outboundCounted = true;
      call.trunkId = trunk.id;
      call.toNumber = route.number;
      const host = trunk.outboundHost.includes(':') ? `[${trunk.outboundHost}]` : trunk.outboundHost;
      const target = `sip:${route.number}@${host}:${trunk.outboundPort}`;
      const fromDomain = trunk.fromDomain ?? host;
      const presented = route.presentedNumber ?? caller.callerNumber;
      const flow: Remote = { transport: trunk.transport, address: trunk.outboundHost, port: trunk.outboundPort };
      this.startLeg(call, {
        target,
        flow,
        localUri: `sip:${presented}@${fromDomain}`,
        fromDisplay: name,
        toUri: target,
        trunk,
        body,
        ...(ct ? { contentType: ct } : {}),
        maxForwards: caller.maxForwards - 1,
        extra: [field('P-Asserted-Identity', `${name}<sip:${presented}@${fromDomain}>`)],
      });
    } else {
      const devices = org.devicesByUser.get(route.userId) ?? [];
      const now = this.o.timers.now();
      for (const device of devices) {
        if (!device.enabled || device.deviceId === caller.callerAccount?.deviceId) continue;
        for (const b of this.o.location.lookup(device.deviceId, now)) {
          this.startLeg(call, {
            target: b.contact,
            flow: b.source,
            routeSet: b.path,
            localUri: `sip:${caller.callerNumber}@${domain}`,
            fromDisplay: name,
            toUri: `sip:${call.toNumber}@${domain}`,
            trunk: null,
            body,
            ...(ct ? { contentType: ct } : {}),
            maxForwards: caller.maxForwards - 1,
            extra: [],
          });
        }
      }
      if (call.legs.length === 0) return this.fail(call, 480, 'Temporarily Unavailable', 'unavailable');
    }
    call.noAnswerTimer = this.o.timers.after(this.noAnswerMs, () => {
      call.noAnswerTimer = null;
      if (call.state === 'ringing') this.fail(call, 480, 'Temporarily Unavailable: no answer', 'no_answer');
    });
  }

  private startLeg(
    call: Call,
    p: {
      target: string;
      flow: Remote;
      /** RFC 3327 Path of the binding: the INVITE's route set. */
      routeSet?: string[];
      localUri: string;
      fromDisplay: string;
      toUri: string;
      trunk: SipTrunk | null;
      body: Buffer;
      contentType?: string;
      maxForwards: number;
      extra: ReturnType<typeof field>[];
    },
  ): void {
    const dialog: DialogSide = {
      callId: newCallId(),
      localTag: newTag(),
      remoteTag: null,
      localUri: p.localUri,
      remoteUri: p.toUri,
      remoteTarget: p.target,
      routeSet: p.routeSet ?? [],
      flow: p.flow,
      localCseq: 1,
      remoteCseq: 0,
    };
    const transport = p.flow.transport === 'udp' ? '' : `;transport=${p.flow.transport === 'wss' || p.flow.transport === 'ws' ? 'ws' : p.flow.transport}`;
    const invite = inDialogRequest(dialog, 'INVITE', {
      cseq: 1,
      body: p.body,
      ...(p.contentType ? { contentType: p.contentType } : {}),
      extra: [
        field('Contact', `<sip:vaxel@${this.o.stack.contactHostPort(p.flow.transport)}${transport}>`),
        field('Allow', ALLOW),
        field('User-Agent', 'Vaxel'),
        ...p.extra,
      ],
    });
    invite.headers[0]!.value = String(Math.max(0, p.maxForwards));
    const fromField = invite.headers.find((h) => h.key === 'from')!;
    fromField.value = `${p.fromDisplay}<${p.localUri}>;tag=${dialog.localTag}`;
    const leg: Leg = { tx: null, dialog, state: 'calling', finalStatus: null, trunk: p.trunk, invite, authTried: false };
    call.legs.push(leg);
    this.dialogs.set(dialogKey(dialog.callId, dialog.localTag), { call, side: 'b' });
    this.sendLegInvite(call, leg);
  }

  private sendLegInvite(call: Call, leg: Leg): void {
    // The stack prepends its Via; a copy keeps the stored INVITE clean for an authenticated retry.
    const req: SipRequest = { ...leg.invite, headers: [...leg.invite.headers] };
    const handlers: ClientHandlers = {
      onProvisional: (res) => this.legProvisional(call, leg, res),
      onFinal: (res) => this.legFinal(call, leg, res),
      onTimeout: () => this.legFailed(call, leg, 408),
    };
    leg.tx = this.o.stack.request(req, leg.dialog.flow, handlers);
  }

  private legProvisional(call: Call, leg: Leg, res: SipResponse): void {
    if (leg.state === 'cancelling') {
      // The CANCEL waited for this first provisional (RFC 3261 §9.1).
      if (leg.tx) this.cancelLeg(leg);
      return;
    }
    if (res.status === 100 || call.state !== 'ringing') return;
    if (leg.state === 'calling') leg.state = 'early';
    const hasBody = res.body.length > 0;
    if (hasBody && !call.a.earlyMediaFrom) {
      call.a.earlyMediaFrom = leg;
      const ct = first(res, 'content-type') ?? 'application/sdp';
      this.respondA(call, 183, 'Session Progress', { body: res.body, contentType: ct });
    } else if (!call.a.ringingSent && !call.a.earlyMediaFrom) {
      call.a.ringingSent = true;
      this.respondA(call, 180, 'Ringing');
    }
  }

  private legFinal(call: Call, leg: Leg, res: SipResponse): void {
    const s = res.status;
    if (s >= 200 && s < 300) return this.legAnswered(call, leg, res);
    if ((s === 401 || s === 407) && leg.trunk && !leg.authTried && call.state === 'ringing' && leg.state !== 'cancelling') {
      const retried = this.retryWithCredentials(call, leg, res);
      if (retried) return;
    }
    this.legFailed(call, leg, s);
  }

  private retryWithCredentials(call: Call, leg: Leg, res: SipResponse): boolean {
    const trunk = leg.trunk!;
    if (!trunk.authUsername || trunk.authPassword === null) return false;
    const header = res.status === 401 ? 'www-authenticate' : 'proxy-authenticate';
    const challenge = first(res, header);
    if (!challenge) return false;
    const cseq = ++leg.dialog.localCseq;
    const value = digestAuthorization(challenge, { username: trunk.authUsername, password: trunk.authPassword, method: 'INVITE', uri: leg.invite.uri });
    if (!value) return false;
    leg.authTried = true;
    leg.invite.headers = leg.invite.headers.filter((h) => h.key !== 'authorization' && h.key !== 'proxy-authorization');
    leg.invite.headers.find((h) => h.key === 'cseq')!.value = `${cseq} INVITE`;
    leg.invite.headers.push(field(res.status === 401 ? 'Authorization' : 'Proxy-Authorization', value));
    this.sendLegInvite(call, leg);
    void call;
    return true;
  }

  private legAnswered(call: Call, leg: Leg, res: SipResponse): void {
    leg.dialog.remoteTag = headerParam(first(res, 'to') ?? '', 'tag');
    const contact = first(res, 'contact');
    if (contact) leg.dialog.remoteTarget = uriOf(contact);
    leg.dialog.routeSet = recordRoutes(res).reverse();
    if (call.state !== 'ringing' || leg.state === 'cancelling') {
      // Answered too late (another device won, or the caller gave up): ACK it, then hang it up.
      this.ackAndBye(leg, res);
      return;
    }
    leg.state = 'answered';
    call.winner = leg;
    call.state = 'answered';
    call.answeredAt = this.o.timers.now();
    this.stats.answered++;
    this.o.timers.cancel(call.noAnswerTimer);
    for (const other of call.legs) if (other !== leg) this.cancelLeg(other);
    call.bAckPending = true;
    this.dialogs.set(dialogKey(call.a.dialog.callId, call.a.dialog.localTag), { call, side: 'a' });
    const ct = first(res, 'content-type');
    this.respondA(call, 200, 'OK', { body: res.body, ...(ct ? { contentType: ct } : {}) });
  }

  private ackAndBye(leg: Leg, res: SipResponse): void {
    const d = leg.dialog;
    d.remoteTag = headerParam(first(res, 'to') ?? '', 'tag');
    const contact = first(res, 'contact');
    if (contact) d.remoteTarget = uriOf(contact);
    this.o.stack.sendAck(inDialogRequest(d, 'ACK', { cseq: cseqOf(leg.invite) }), d.flow);
    leg.state = 'done';
    this.o.stack.request(inDialogRequest(d, 'BYE'), d.flow, { onFinal: () => {}, onTimeout: () => {} });
  }

  private legFailed(call: Call, leg: Leg, status: number): void {
    leg.state = 'done';
    leg.finalStatus = status;
    if (call.state !== 'ringing') return;
    if (status >= 600 && status !== 600) {
      // A 6xx (decline) is global: stop the other devices too (RFC 3261 §16.7 step 5 spirit).
      for (const other of call.legs) if (other !== leg) this.cancelLeg(other);
    } else if (call.legs.some((l) => l.state !== 'done')) return;
    const statuses = call.legs.map((l) => l.finalStatus ?? 0);
    if (statuses.some((s) => s === 603)) return this.fail(call, 603, 'Decline', 'rejected');
    if (statuses.some((s) => s === 486 || s === 600)) return this.fail(call, 486, 'Busy Here', 'busy');
    if (leg.trunk && statuses.length === 1)
      return this.fail(call, status >= 400 && status < 700 && status !== 408 ? status : 503, reasonFor(status), causeFor(status));
    this.fail(call, 480, 'Temporarily Unavailable', statuses.some((s) => s === 408) ? 'no_answer' : 'unavailable');
  }

  private cancelLeg(leg: Leg): void {
    if (leg.state === 'done' || leg.state === 'answered') return;
    leg.state = 'cancelling';
    if (leg.tx && leg.tx.provisionalSeen && leg.tx.state === 'proceeding') {
      this.o.stack.cancel(leg.tx, { onFinal: () => {}, onTimeout: () => {} });
      leg.tx = null;
    }
    // No provisional yet: RFC 3261 §9.1 says wait for one; legProvisional sends the CANCEL then.
  }

  private cancelled(call: Call): void {
    if (call.state !== 'ringing') return;
    for (const leg of call.legs) this.cancelLeg(leg);
    this.fail(call, 487, 'Request Terminated', 'cancelled', 'caller');
  }

  private fail(call: Call, status: number, reason: string, cause: CallCause, hangupBy: 'caller' | 'callee' | 'system' | null = null): void {
    if (call.state === 'ended') return;
    for (const leg of call.legs) this.cancelLeg(leg);
    this.respondA(call, status, reason);
    this.stats.failed++;
    this.end(call, cause, status, hangupBy);
  }

  private respondA(call: Call, status: number, reason: string, opts: { body?: Buffer; contentType?: string } = {}): void {
    const headers: Array<[string, string]> = [];
    if (status < 300 && status > 100) {
      headers.push([
        'Contact',
        `<sip:vaxel@${this.o.stack.contactHostPort(call.a.ctx.remote.transport)}${call.a.ctx.remote.transport === 'udp' ? '' : ';transport=' + call.a.ctx.remote.transport}>`,
      ]);
      for (const rr of recordRoutes(call.a.invite)) headers.push(['Record-Route', rr]);
    }
    if (status === 200) headers.push(['Allow', ALLOW]);
    call.a.tx.respond(
      createResponse(call.a.invite, status, reason, {
        toTag: call.a.dialog.localTag,
        headers,
        ...(opts.body && opts.body.length > 0 ? { body: opts.body, contentType: opts.contentType ?? 'application/sdp' } : {}),
      }),
    );
  }

  // ---- in-dialog -------------------------------------------------------------------------

  private inDialog(req: SipRequest, tx: ServerTransaction, ctx: RequestContext, toTag: string): void {
    const ref = this.dialogs.get(dialogKey(first(req, 'call-id') ?? '', toTag));
    if (!ref || ref.call.state === 'ended') {
      tx.respond(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    const { call, side } = ref;
    const mine = side === 'a' ? call.a.dialog : call.winner?.dialog;
    const peer = side === 'a' ? call.winner?.dialog : call.a.dialog;
    if (!mine || !peer) {
      tx.respond(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    const cseq = cseqOf(req);
    if (cseq < mine.remoteCseq && req.method !== 'ACK') {
      tx.respond(createResponse(req, 500, 'Server Internal Error: CSeq out of order', { headers: [['Retry-After', '1']] }));
      return;
    }
    mine.remoteCseq = cseq;
    // A phone that reconnected (TCP, WebSocket) is reached over its newest connection.
    if (ctx.remote.connectionId !== undefined) mine.flow = ctx.remote;
    if (req.method === 'BYE') {
      tx.respond(createResponse(req, 200, 'OK'));
      this.o.stack.request(inDialogRequest(peer, 'BYE'), peer.flow, { onFinal: () => {}, onTimeout: () => {} });
      this.end(call, 'answered', 200, side === 'a' ? 'caller' : 'callee');
      return;
    }
    // re-INVITE, UPDATE, INFO, MESSAGE, NOTIFY, REFER...: relayed to the other leg, its answer relayed back.
    const ct = first(req, 'content-type');
    const extra = [];
    for (const h of req.headers) if (h.key === 'event' || h.key === 'subscription-state' || h.key === 'session-expires' || h.key === 'supported') extra.push(h);
    if (req.method === 'INVITE' || req.method === 'UPDATE')
      extra.push(
        field(
          'Contact',
          `<sip:vaxel@${this.o.stack.contactHostPort(peer.flow.transport)}${peer.flow.transport === 'udp' ? '' : ';transport=' + peer.flow.transport}>`,
        ),
      );
    const out = inDialogRequest(peer, req.method, { body: req.body, ...(ct ? { contentType: ct } : {}), extra });
    const outCseq = cseqOf(out);
    this.o.stack.request(out, peer.flow, {
      onFinal: (res) => {
        const rct = first(res, 'content-type');
        const headers: Array<[string, string]> = [];
        if (req.method === 'INVITE' && res.status < 300)
          headers.push([
            'Contact',
            `<sip:vaxel@${this.o.stack.contactHostPort(ctx.remote.transport)}${ctx.remote.transport === 'udp' ? '' : ';transport=' + ctx.remote.transport}>`,
          ]);
        tx.respond(
          createResponse(req, res.status, res.reason, { headers, ...(res.body.length > 0 ? { body: res.body, contentType: rct ?? 'application/sdp' } : {}) }),
        );
        if (req.method === 'INVITE' && res.status >= 200 && res.status < 300) {
          // The re-INVITE's 2xx on the far leg is ACKed at once; the near leg's ACK is absorbed.
          this.o.stack.sendAck(inDialogRequest(peer, 'ACK', { cseq: outCseq }), peer.flow);
        }
      },
      onTimeout: () => tx.respond(createResponse(req, 408, 'Request Timeout')),
    });
  }

  /** Hangs up both sides (no ACK for our 2xx, or shutdown). */
  hangUp(call: Call, by: 'caller' | 'callee' | 'system'): void {
    if (call.state === 'ended') return;
    if (call.state === 'answered') {
      this.o.stack.request(inDialogRequest(call.a.dialog, 'BYE'), call.a.dialog.flow, { onFinal: () => {}, onTimeout: () => {} });
      if (call.winner) this.o.stack.request(inDialogRequest(call.winner.dialog, 'BYE'), call.winner.dialog.flow, { onFinal: () => {}, onTimeout: () => {} });
      this.end(call, 'answered', null, by);
    } else this.fail(call, 500, 'Server Internal Error', 'failed', by);
  }

  private end(call: Call, cause: CallCause, status: number | null, hangupBy: 'caller' | 'callee' | 'system' | null): void {
    if (call.state === 'ended') return;
    call.state = 'ended';
    this.stats.active--;
    this.o.timers.cancel(call.noAnswerTimer);
    if (call.outboundCounted) {
      const n = (this.outbound.get(call.org.id) ?? 1) - 1;
      if (n <= 0) this.outbound.delete(call.org.id);
      else this.outbound.set(call.org.id, n);
    }
    this.byInvite.delete(call.a.dialog.callId + '|' + cseqOf(call.a.invite));
    this.dialogs.delete(dialogKey(call.a.dialog.callId, call.a.dialog.localTag));
    for (const leg of call.legs) this.dialogs.delete(dialogKey(leg.dialog.callId, leg.dialog.localTag));
    this.o.cdr.record({
      orgId: call.org.id,
      callId: call.id,
      direction: call.direction,
      fromNumber: call.fromNumber,
      fromUserId: call.fromUserId,
      toNumber: call.toNumber,
      toUserId: call.toUserId,
      trunkId: call.trunkId,
      startedAt: call.startedAt,
      answeredAt: call.answeredAt,
      endedAt: this.o.timers.now(),
      cause: call.answeredAt !== null ? 'answered' : cause,
      sipStatus: call.answeredAt !== null ? 200 : status,
      hangupBy,
    });
  }

  /** Ends every call (shutdown): BYE the answered ones, 503 the ringing ones. */
  shutdown(): void {
    const calls = new Set<Call>();
    for (const ref of this.dialogs.values()) calls.add(ref.call);
    for (const call of calls) {
      if (call.state === 'answered') this.hangUp(call, 'system');
      else if (call.state === 'ringing') this.fail(call, 503, 'Service Unavailable', 'failed', 'system');
    }
  }

  outboundInUse(orgId: string): number {
    return this.outbound.get(orgId) ?? 0;
  }
}

/** RFC 3261 §17.2.1's 200 ms: a 100 Trying goes out only if nothing else has by then. */
const TRYING_AFTER_MS = 200;

function dialogKey(callId: string, localTag: string): string {
  return callId + '|' + localTag;
}

function cseqOf(m: SipRequest): number {
  const c = first(m, 'cseq') ?? '0';
  return Number.parseInt(c, 10) || 0;
}

function quoteName(name: string): string {
  if (!name) return '';
  return '"' + utf8ToWire(name).replace(/["\\]/g, (c) => '\\' + c) + '" ';
}

function reasonFor(status: number): string {
  if (status === 404) return 'Not Found';
  if (status === 486) return 'Busy Here';
  if (status === 403) return 'Forbidden';
  if (status === 408) return 'Request Timeout';
  return 'Service Unavailable';
}

function causeFor(status: number): CallCause {
  if (status === 486 || status === 600) return 'busy';
  if (status === 404 || status === 484) return 'not_found';
  if (status === 403) return 'forbidden';
  if (status === 603) return 'rejected';
  if (status === 408 || status === 480) return 'no_answer';
  return 'failed';
}
