import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSipOrg, startSipTestServer, type SipTestServer } from './sip-fixture.ts';

/*
 * The RFC 4475 / RFC 5118 corpus sent byte-exact over UDP to the running server, one datagram
 * each, followed by an OPTIONS liveness probe. Replies follow RFC 3261 §18.2.2: to the source
 * address, at the Via sent-by port (5060 without one) unless rport asks for the source port —
 * so we listen on 127.0.0.2 at every port the corpus names.
 */
const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'sip-torture');
const FROM = '127.0.0.2';

interface Row {
  file: string;
  validity: 'valid' | 'invalid';
}

const rows: Row[] = readFileSync(join(CORPUS, 'index.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((l) => l.trim())
  .map((l) => l.split('\t'))
  .filter((c) => !c[0]!.startsWith('rfc5118/') || c[0]!.startsWith('rfc5118/wire/'))
  .map((c) => ({ file: c[0]!, validity: c[1] as Row['validity'] }));

/** What the server must answer: a status, 'none' (drop, or a response we must not answer), or 'any' (valid, answered per our policy). */
const EXPECTED: Record<string, number | 'none' | 'any'> = {
  'intmeth.dat': 501,
  'esc02.dat': 501,
  'badinv01.dat': 400,
  'clerr.dat': 400,
  'ncl.dat': 400,
  'scalar02.dat': 400,
  'scalarlg.dat': 'none',
  'quotbal.dat': 400,
  'ltgtruri.dat': 400,
  'lwsruri.dat': 400,
  'lwsstart.dat': 400,
  'trws.dat': 400,
  'escruri.dat': 400,
  'regbadct.dat': 400,
  'badaspec.dat': 400,
  'baddn.dat': 400,
  'badvers.dat': 505,
  'mismatch01.dat': 400,
  'mismatch02.dat': 400,
  'bigcode.dat': 'none',
  'badbranch.dat': 400,
  'insuf.dat': 400,
  'unkscm.dat': 416,
  'novelsc.dat': 416,
  'unksm2.dat': 400,
  'bext01.dat': 420,
  'invut.dat': 415,
  'multi01.dat': 400,
  'mcl01.dat': 400,
  'bcast.dat': 'none',
  'unreason.dat': 'none',
  'noreason.dat': 'none',
  'sdp01.dat': 406,
  'rfc5118/wire/ipv6-bad.dat': 400,
  'test.dat': 'any',
  // Date is ignored (allowed by RFC 4475 §3.1.2.12), so this INVITE is handled like any other: challenged.
  'baddate.dat': 407,
};

function viaPorts(buf: Buffer): number[] {
  const text = buf.toString('latin1');
  const out = new Set<number>([5060]);
  for (const m of text.matchAll(/^(?:Via|v)\s*:\s*SIP\s*\/\s*2\.0\s*\/\s*\S+\s+(\[[^\]]+\]|[^\s:;,]+)(?::(\d+))?/gim)) if (m[2]) out.add(Number(m[2]));
  return [...out];
}

function callId(text: string): string | null {
  return /^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)/im.exec(text)?.[1] ?? null;
}

describe('RFC 4475 / RFC 5118 corpus over the wire', () => {
  let srv: SipTestServer;
  const sockets = new Map<number, Socket>();
  const inbox: Array<{ port: number; text: string }> = [];
  let probe: Socket;

  beforeAll(async () => {
    srv = await startSipTestServer(
      async (store) => {
        await seedSipOrg(store, { slug: 'torture', domain: 'example.com', users: [{ name: 'user', extension: '201', devices: ['user'] }] });
      },
      { VAXEL_SIP_TRUSTED_ADDRESSES: FROM },
    );
    const ports = new Set<number>();
    for (const r of rows) for (const p of viaPorts(readFileSync(join(CORPUS, r.file)))) ports.add(p);
    for (const port of ports) {
      const s = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(port, FROM, () => resolve());
      });
      s.on('message', (m) => inbox.push({ port, text: m.toString('latin1') }));
      sockets.set(port, s);
    }
    probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, FROM, () => resolve()));
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets.values()) s.close();
    probe?.close();
    await srv?.stop();
  });

  async function options(): Promise<string | null> {
    const port = (probe.address() as { port: number }).port;
    const branch = 'z9hG4bKprobe' + Math.random().toString(36).slice(2);
    const msg = `OPTIONS sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP ${FROM}:${port};branch=${branch};rport\r\nMax-Forwards: 70\r\nFrom: <sip:probe@example.com>;tag=p1\r\nTo: <sip:example.com>\r\nCall-ID: ${branch}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        probe.off('message', on);
        resolve(null);
      }, 2000);
      const on = (m: Buffer) => {
        const t = m.toString('latin1');
        if (!t.includes(branch)) return;
        clearTimeout(timer);
        probe.off('message', on);
        resolve(t.split('\r\n')[0]!);
      };
      probe.on('message', on);
      probe.send(msg, srv.sipPort, '127.0.0.1');
    });
  }

  it.each(rows)('$file ($validity) is answered as the RFC says and the server stays up', async ({ file, validity }) => {
    const data = readFileSync(join(CORPUS, file));
    inbox.length = 0;
    sockets.get(5060)!.send(data, srv.sipPort, '127.0.0.1');
    const alive = await options();
    expect(alive, 'OPTIONS after the message').toBe('SIP/2.0 200 OK');
    await new Promise((r) => setTimeout(r, 50));
    // Only this message's answers: an earlier INVITE's 4xx is retransmitted until ACKed (Timer G).
    const mine = inbox.filter((m) => callId(m.text) === callId(data.toString('latin1')));
    const finals = mine.map((m) => /^SIP\/2\.0 (\d{3})/.exec(m.text)?.[1]).filter((s): s is string => s !== undefined && !s.startsWith('1'));
    const expected = EXPECTED[file] ?? (validity === 'valid' ? 'any' : 'none');
    if (expected === 'none') expect(finals).toEqual([]);
    else if (typeof expected === 'number') expect(finals).toEqual([String(expected)]);
    else if (validity === 'valid' && !data.toString('latin1').startsWith('SIP/2.0')) {
      // A valid request is answered by our policy (challenge, 404, 200...), never with 400 or 5xx.
      expect(finals.length).toBeGreaterThan(0);
      for (const s of finals) expect(Number(s) === 400 || Number(s) >= 500).toBe(false);
    }
  });
});
