import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBaresip, wavRms, writeToneWav, type Baresip } from './baresip.ts';
import { randomPort, seedSipOrg, SIP_PASSWORD, startSipTestServer, type SeededOrg, type SipTestServer } from './sip-fixture.ts';

/*
 * A real client end to end: two headless baresip phones register with digest authentication to
 * Vaxel as their outbound proxy, alice dials bob's extension, bob answers by himself, they talk
 * (a tone, RTP straight phone to phone since the SDP passes through), and alice hangs up.
 */
describe('a call between two baresip phones through Vaxel', () => {
  let srv: SipTestServer;
  let org: SeededOrg;
  let work = '';
  const domain = 'bare.test';
  const phones: Baresip[] = [];
  let alice: Baresip;
  let bob: Baresip;

  beforeAll(async () => {
    srv = await startSipTestServer(
      async (store) => {
        org = await seedSipOrg(store, {
          slug: 'bare',
          domain,
          users: [
            { name: 'alice', extension: '201', devices: ['alice'] },
            { name: 'bob', extension: '202', devices: ['bob'] },
          ],
        });
      },
      // baresip 1.0 (libre) gives up with ENOSYS when any challenge is not MD5 instead of answering
      // the one it supports (RFC 8760 §2.4), so this deployment offers MD5 only.
      { VAXEL_SIP_DIGEST: 'MD5' },
    );
    work = mkdtempSync(join(tmpdir(), 'vaxel-baresip-'));
    const tone = join(work, 'tone.wav');
    writeToneWav(tone, { hz: 440, seconds: 30 });
    const base = randomPort(43000, 4000);
    const rtp = randomPort(47000, 3000) & ~1;
    const phone = (name: string, i: number, extra: string) =>
      startBaresip({
        dir: join(work, name),
        account: `<sip:${name}@${domain}>;outbound="sip:127.0.0.1:${srv.sipPort};transport=udp";auth_pass=${SIP_PASSWORD};regint=300${extra}`,
        sipPort: base + i * 10,
        consPort: base + i * 10 + 5,
        rtpPorts: [rtp + i * 40, rtp + i * 40 + 19],
        audioSource: tone,
        maxSeconds: 90,
      });
    bob = phone('bob', 1, ';answermode=auto');
    alice = phone('alice', 0, '');
    phones.push(alice, bob);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(phones.map((p) => p.stop()));
    await srv?.stop();
    // KEEP=1 leaves the phones' configs, logs and recordings for a look.
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('registers both phones with digest authentication', async () => {
    await alice.waitFor(/alice@bare\.test: \{0\/UDP\/v4\} 200 OK/);
    await bob.waitFor(/bob@bare\.test: \{0\/UDP\/v4\} 200 OK/);
    await srv.vaxel.sip.flush();
    const rows = await srv.store.registrations.listForOrg(org.orgId, {});
    expect(rows.map((r) => r.aor).sort()).toEqual([`sip:alice@${domain}`, `sip:bob@${domain}`]);
  });

  it('connects alice’s call to bob’s extension; bob answers by himself', async () => {
    await alice.command(`/dial sip:202@${domain}`);
    await alice.waitFor(/Call established: sip:202@bare\.test/);
    await bob.waitFor(/Call established: sip:201@bare\.test/);
  });

  it('ends the call on both phones when alice hangs up', async () => {
    // Some talk time first, so the recordings have audio in them.
    await new Promise((r) => setTimeout(r, 2000));
    await alice.command('/hangup');
    await alice.waitFor(/Call with sip:202@bare\.test terminated/);
    await bob.waitFor(/Call with sip:201@bare\.test terminated/);
  });

  it('carries alice’s audio to bob (RTP phone to phone)', () => {
    const recordings = bob.receivedRecordings();
    expect(recordings.length, bob.log().slice(-2000)).toBeGreaterThan(0);
    // The tone is sent at amplitude 0.3 (RMS ≈ 0.21); silence or comfort noise is far below 0.01.
    expect(Math.max(...recordings.map(wavRms))).toBeGreaterThan(0.01);
  });

  it('records the call as answered, hung up by the caller', async () => {
    await srv.vaxel.sip.flush();
    const { items } = await srv.store.cdrs.list(org.orgId, { limit: 1, offset: 0 });
    expect(items[0]).toMatchObject({
      direction: 'internal',
      fromUserId: org.users.get('alice')!.id,
      toUserId: org.users.get('bob')!.id,
      toNumber: '202',
      cause: 'answered',
      hangupBy: 'caller',
    });
  });
});
