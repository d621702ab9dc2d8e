import { describe, expect, it } from 'vitest';
import { parseMessage } from '../message/parse.ts';
import { parseVia } from '../message/parsers.ts';
import { createResponse } from '../message/serialize.ts';
import type { SipRequest, SipResponse } from '../message/types.ts';
import type { Remote } from '../transport/index.ts';
import { manualTimers } from '../timers.ts';
import { TransactionLayer } from './transaction-layer.ts';
import type { InviteServerTransaction } from './server-transactions.ts';

const UDP: Remote = { transport: 'udp', address: '10.0.0.1', port: 5060 };
const TCP: Remote = { transport: 'tcp', address: '10.0.0.1', port: 5060, connectionId: 1 };

function rig() {
  const timers = manualTimers(0);
  const sent: Array<{ at: number; first: string; text: string }> = [];
  const layer = new TransactionLayer(
    {
      send: (d) => {
        const text = d.toString('latin1');
        sent.push({ at: timers.now(), first: text.slice(0, text.indexOf('\r\n')), text });
        return true;
      },
    },
    timers,
  );
  return { timers, sent, layer };
}

function request(method: string, opts: { branch?: string; cseq?: number; toTag?: string; callId?: string } = {}): SipRequest {
  const text =
    `${method} sip:bob@example.com SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 10.0.0.1:5060;branch=${opts.branch ?? 'z9hG4bKabc'}\r\n` +
    `Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\n` +
    `To: <sip:bob@example.com>${opts.toTag ? `;tag=${opts.toTag}` : ''}\r\n` +
    `Call-ID: ${opts.callId ?? 'call-1'}\r\nCSeq: ${opts.cseq ?? 1} ${method === 'ACK' ? 'ACK' : method}\r\nContent-Length: 0\r\n\r\n`;
  return parseMessage(Buffer.from(text, 'latin1')) as SipRequest;
}

function response(text: string): SipResponse {
  return parseMessage(Buffer.from(text, 'latin1')) as SipResponse;
}

const viaOf = (m: SipRequest) => parseVia(m.headers.find((h) => h.key === 'via')!.value)!;

function serverTx(layer: TransactionLayer, req: SipRequest, remote = UDP) {
  const d = layer.receiveRequest(req, viaOf(req), remote);
  if (d.kind !== 'new') throw new Error(`expected a new transaction, got ${d.kind}`);
  return d.tx;
}

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('answers a retransmitted request with the last response and absorbs it', () => {
    const { layer, sent } = rig();
    const req = request('OPTIONS');
    const tx = serverTx(layer, req);
    tx.respond(createResponse(req, 200, 'OK', { toTag: 't' }));
    expect(layer.receiveRequest(request('OPTIONS'), viaOf(req), UDP).kind).toBe('retransmission');
    expect(sent.map((s) => s.first)).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
  });

  it('keeps the completed transaction for Timer J (64·T1) over UDP, not at all over TCP', () => {
    const { layer, timers } = rig();
    const req = request('OPTIONS');
    serverTx(layer, req).respond(createResponse(req, 200, 'OK'));
    timers.advance(31_999);
    expect(layer.counts().server).toBe(1);
    timers.advance(1);
    expect(layer.counts().server).toBe(0);
    const tcpReq = request('OPTIONS', { branch: 'z9hG4bKtcp' });
    serverTx(layer, tcpReq, TCP).respond(createResponse(tcpReq, 200, 'OK'));
    expect(layer.counts().server).toBe(0);
  });

  it('bounds the completed transactions it keeps: the oldest ends first', () => {
    const { layer } = rig();
    layer.maxCompleted = 3;
    for (let i = 0; i < 5; i++) {
      const req = request('OPTIONS', { branch: `z9hG4bKn${i}` });
      serverTx(layer, req).respond(createResponse(req, 200, 'OK'));
    }
    expect(layer.counts().server).toBe(3);
  });

  it('matches a request reusing a branch with another Call-ID as a new transaction', () => {
    const { layer } = rig();
    serverTx(layer, request('REGISTER', { callId: 'one' }));
    expect(layer.receiveRequest(request('REGISTER', { callId: 'two' }), viaOf(request('REGISTER')), UDP).kind).toBe('new');
  });
});

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)', () => {
  it('retransmits a final 4xx on Timer G (T1 doubling up to T2) until the ACK, then ends after T4', () => {
    const { layer, sent, timers } = rig();
    const req = request('INVITE');
    const tx = serverTx(layer, req) as InviteServerTransaction;
    tx.respond(createResponse(req, 486, 'Busy Here', { toTag: 'b' }));
    timers.advance(16_000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500]);
    expect(layer.receiveRequest(request('ACK', { toTag: 'b' }), viaOf(req), UDP).kind).toBe('ack-absorbed');
    timers.advance(10_000);
    expect(sent).toHaveLength(7);
    expect(layer.counts().server).toBe(0);
  });

  it('gives up on Timer H (64·T1) when no ACK comes for a 4xx', () => {
    const { layer, timers } = rig();
    const req = request('INVITE');
    (serverTx(layer, req) as InviteServerTransaction).respond(createResponse(req, 404, 'Not Found'));
    timers.advance(32_000);
    expect(layer.counts().server).toBe(0);
  });

  it('retransmits a 2xx until the ACK (its own branch, matched by Call-ID and CSeq) arrives', () => {
    const { layer, sent, timers } = rig();
    const req = request('INVITE', { cseq: 7 });
    const tx = serverTx(layer, req) as InviteServerTransaction;
    let acked = 0;
    tx.onAck = () => acked++;
    tx.respond(createResponse(req, 200, 'OK', { toTag: 'ok' }));
    timers.advance(1600);
    expect(sent).toHaveLength(3);
    const ack = request('ACK', { branch: 'z9hG4bKother', cseq: 7, toTag: 'ok' });
    expect(layer.receiveRequest(ack, viaOf(ack), UDP)).toMatchObject({ kind: 'ack-2xx' });
    timers.advance(10_000);
    expect(sent).toHaveLength(3);
    expect(acked).toBe(1);
    expect(layer.counts()).toEqual({ server: 0, client: 0, awaitingAck: 0 });
  });

  it('reports a 2xx never acknowledged within 64·T1 so the session can be ended', () => {
    const { layer, timers } = rig();
    const req = request('INVITE');
    const tx = serverTx(layer, req) as InviteServerTransaction;
    let timedOut = false;
    tx.onAckTimeout = () => (timedOut = true);
    tx.respond(createResponse(req, 200, 'OK', { toTag: 'x' }));
    timers.advance(32_000);
    expect(timedOut).toBe(true);
  });

  it('sends 100 Trying only when nothing else was sent within 200 ms (RFC 3261 §17.2.1)', () => {
    const { layer, sent, timers } = rig();
    const slow = request('INVITE', { branch: 'z9hG4bKslow' });
    const a = serverTx(layer, slow) as InviteServerTransaction;
    a.tryingAfter(200, () => createResponse(slow, 100, 'Trying'));
    const quick = request('INVITE', { branch: 'z9hG4bKquick', callId: 'call-2' });
    const b = serverTx(layer, quick) as InviteServerTransaction;
    b.tryingAfter(200, () => createResponse(quick, 100, 'Trying'));
    timers.advance(50);
    b.respond(createResponse(quick, 180, 'Ringing', { toTag: 'r' }));
    timers.advance(200);
    expect(sent.map((m) => `${m.at} ${m.first}`)).toEqual(['50 SIP/2.0 180 Ringing', '200 SIP/2.0 100 Trying']);
    void a;
  });

  it('hands a CANCEL with the INVITE it cancels', () => {
    const { layer } = rig();
    const req = request('INVITE');
    const invite = serverTx(layer, req);
    const d = layer.receiveRequest(request('CANCEL'), viaOf(req), UDP);
    expect(d.kind).toBe('cancel');
    if (d.kind === 'cancel') expect(d.invite).toBe(invite);
  });
});

describe('client transactions (RFC 3261 §17.1)', () => {
  function start(layer: TransactionLayer, method: string, remote = UDP) {
    const events: string[] = [];
    const req = request(method, { branch: 'z9hG4bKclient' });
    const tx = layer.sendRequest(req, 'z9hG4bKclient', remote, {
      onProvisional: (r) => events.push(`prov ${r.status}`),
      onFinal: (r) => events.push(`final ${r.status}`),
      onExtra2xx: (r) => events.push(`extra ${r.status}`),
      onTimeout: (why) => events.push(`timeout ${why}`),
    });
    return { tx, events };
  }
  const res = (status: number, method: string, toTag = 'r') =>
    response(
      `SIP/2.0 ${status} X\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKclient\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=${toTag}\r\nCall-ID: call-1\r\nCSeq: 1 ${method}\r\nContent-Length: 0\r\n\r\n`,
    );

  it('retransmits a non-INVITE on Timer E (capped at T2) and times out on Timer F', () => {
    const { layer, sent, timers } = rig();
    const { events } = start(layer, 'OPTIONS');
    timers.advance(32_000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(events).toEqual(['timeout timeout']);
  });

  it('passes one final response up and absorbs its retransmissions', () => {
    const { layer, timers } = rig();
    const { events } = start(layer, 'OPTIONS');
    layer.receiveResponse(res(200, 'OPTIONS'), parseVia('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKclient')!);
    layer.receiveResponse(res(200, 'OPTIONS'), parseVia('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKclient')!);
    timers.advance(6000);
    expect(events).toEqual(['final 200']);
    expect(layer.counts().client).toBe(0);
  });

  it('retransmits an INVITE on Timer A until a provisional arrives', () => {
    const { layer, sent, timers } = rig();
    const { events } = start(layer, 'INVITE');
    timers.advance(1600);
    layer.receiveResponse(res(180, 'INVITE'), parseVia('SIP/2.0/UDP 1.1.1.1;branch=z9hG4bKclient')!);
    timers.advance(60_000);
    expect(sent.map((s) => s.at)).toEqual([0, 500, 1500]);
    expect(events).toEqual(['prov 180']);
  });

  it('ACKs a 4xx itself with the same branch and the response To tag, and again for each retransmission', () => {
    const { layer, sent } = rig();
    const { events } = start(layer, 'INVITE');
    const via = parseVia('SIP/2.0/UDP 1.1.1.1;branch=z9hG4bKclient')!;
    layer.receiveResponse(res(486, 'INVITE', 'busy'), via);
    layer.receiveResponse(res(486, 'INVITE', 'busy'), via);
    const acks = sent.filter((s) => s.first.startsWith('ACK'));
    expect(acks).toHaveLength(2);
    expect(acks[0]!.text).toContain('branch=z9hG4bKclient');
    expect(acks[0]!.text).toContain(';tag=busy');
    expect(acks[0]!.text).toContain('CSeq: 1 ACK');
    expect(events).toEqual(['final 486']);
  });

  it('passes a second 2xx (a retransmission or another fork) up for RFC 6026 Accepted', () => {
    const { layer } = rig();
    const { events } = start(layer, 'INVITE');
    const via = parseVia('SIP/2.0/UDP 1.1.1.1;branch=z9hG4bKclient')!;
    layer.receiveResponse(res(200, 'INVITE', 'one'), via);
    layer.receiveResponse(res(200, 'INVITE', 'two'), via);
    expect(events).toEqual(['final 200', 'extra 200']);
  });

  it('does not retransmit over TCP and times out an unanswered INVITE on Timer B', () => {
    const { layer, sent, timers } = rig();
    const { events } = start(layer, 'INVITE', TCP);
    timers.advance(32_000);
    expect(sent).toHaveLength(1);
    expect(events).toEqual(['timeout timeout']);
  });
});

describe('the transaction layer as a whole', () => {
  it('leaves nothing behind once every transaction has run its course', () => {
    const { layer, timers } = rig();
    for (let i = 0; i < 50; i++) {
      const req = request(i % 2 ? 'INVITE' : 'OPTIONS', { branch: `z9hG4bKmany${i}` });
      const tx = serverTx(layer, req);
      tx.respond(createResponse(req, i % 2 ? 480 : 200, 'X', { toTag: 't' }));
    }
    timers.advance(60_000);
    expect(layer.counts()).toEqual({ server: 0, client: 0, awaitingAck: 0 });
    expect(timers.pending()).toBe(0);
  });
});
