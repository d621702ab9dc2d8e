import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsCsv, randomPort, runSipp, seedSipOrg, startSipp, startSipTestServer, type SeededOrg, type SipTestServer } from './sip-fixture.ts';
import { registerFor, uacCall, uasCallee, unregisterAll } from './sipp-scenarios.ts';
import { uacCallWithReinvite, uasWithReinvite } from './sipp-scenarios-dialog.ts';

/*
 * Black-box SIP calls through Vaxel's registrar and B2BUA with SIPp on loopback: every case is
 * a real UAC → Vaxel → UAS exchange, checked on both SIPp ends and in the CDR table.
 */
describe('SIP calls between registered phones (SIPp)', () => {
  let srv: SipTestServer;
  let org: SeededOrg;
  const domain = 'calls.test';
  let target = '';

  beforeAll(async () => {
    srv = await startSipTestServer(
      async (store) => {
        org = await seedSipOrg(store, {
          slug: 'calls',
          domain,
          users: [
            { name: 'alice', extension: '201', devices: ['alice'] },
            { name: 'bob', extension: '202', publicNumber: '+4570100202', devices: ['bob', 'bob-soft'] },
            { name: 'carol', extension: '203', devices: ['carol'] },
            { name: 'dave', extension: '204', devices: ['dave'] },
          ],
        });
      },
      { VAXEL_SIP_NO_ANSWER_SECONDS: '5' },
    );
    target = `127.0.0.1:${srv.sipPort}`;
  }, 60_000);
  afterAll(async () => srv?.stop());

  /** A SIPp callee for `user`'s device `device`, registered at Vaxel with its Contact on the callee's port. */
  async function callee(device: string, mode: Parameters<typeof uasCallee>[0], holdMs?: number) {
    const port = randomPort(30000, 8000);
    const uas = startSipp({ scenario: uasCallee(mode, holdMs), args: ['-m', '1'], localPort: port, timeoutS: 20 });
    const reg = await runSipp({ scenario: registerFor, target, csv: credentialsCsv([{ user: device, domain, extra: `127.0.0.1:${port}` }]) });
    expect(reg.code, reg.errors).toBe(0);
    return uas;
  }

  async function unregister(device: string) {
    const reg = await runSipp({
      scenario: unregisterAll,
      target,
      csv: credentialsCsv([{ user: device, domain, extra: `127.0.0.1:1` }]),
    });
    expect(reg.code, reg.errors).toBe(0);
  }

  const call = (to: string, opts: Omit<Parameters<typeof uacCall>[0], 'to'>, from = 'alice') =>
    runSipp({ scenario: uacCall({ to, ...opts }), target, csv: credentialsCsv([{ user: from, domain }]) });

  async function lastCdr() {
    await srv.vaxel.sip.flush();
    const { items } = await srv.store.cdrs.list(org.orgId, { limit: 1, offset: 0 });
    return items[0]!;
  }

  it('registers a device with digest authentication and keeps the binding in the store', async () => {
    const r = await runSipp({ scenario: 'register.xml', target, csv: credentialsCsv([{ user: 'dave', domain, extra: '120' }]) });
    expect(r.code, r.errors).toBe(0);
    await srv.vaxel.sip.flush();
    const rows = await srv.store.registrations.listForOrg(org.orgId, { deviceId: org.users.get('dave')!.devices.get('dave')! });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ aor: `sip:dave@${domain}`, userAgent: 'sipp-vaxel-e2e' });
    expect(rows[0]!.expiresAt.getTime() - Date.now()).toBeGreaterThan(100_000);
  });

  it('refuses a wrong password with a new challenge', async () => {
    const r = await runSipp({
      scenario: 'register.xml',
      target,
      csv: credentialsCsv([{ user: 'dave', domain, password: 'not-the-password', extra: '120' }]),
      timeoutS: 5,
    });
    expect(r.code).not.toBe(0);
    expect(r.errors).toMatch(/401/);
  });

  it('connects a call to an extension; the caller hangs up', async () => {
    const uas = await callee('carol', 'answer');
    const r = await call('203', { expect: 200, hangup: 'caller' });
    expect(r.code, r.errors).toBe(0);
    expect((await uas.done).code).toBe(0);
    expect(await lastCdr()).toMatchObject({ direction: 'internal', fromNumber: '201', toNumber: '203', cause: 'answered', hangupBy: 'caller' });
    await unregister('carol');
  });

  it('connects a call to a public line number; the callee hangs up', async () => {
    const uas = await callee('bob', 'answer-bye');
    const r = await call('+4570100202', { expect: 200, hangup: 'callee' });
    expect(r.code, r.errors).toBe(0);
    expect((await uas.done).code).toBe(0);
    const cdr = await lastCdr();
    expect(cdr).toMatchObject({ cause: 'answered', hangupBy: 'callee', toUserId: org.users.get('bob')!.id });
    expect(cdr.answeredAt).not.toBeNull();
    await unregister('bob');
  });

  it('rings every registered device of the user; the first answer wins and the other gets CANCEL', async () => {
    const ringing = await callee('bob', 'ring');
    const answering = await callee('bob-soft', 'answer');
    const r = await call('202', { expect: 200, hangup: 'caller' });
    expect(r.code, r.errors).toBe(0);
    expect((await answering.done).code).toBe(0);
    const cancelled = await ringing.done;
    expect(cancelled.code, cancelled.errors).toBe(0);
    await unregister('bob');
    await unregister('bob-soft');
  });

  it('relays a re-INVITE (hold) and an INFO to the other phone, and their answers back', async () => {
    const port = randomPort(30000, 8000);
    const uas = startSipp({ scenario: uasWithReinvite(), args: ['-m', '1'], localPort: port, timeoutS: 20 });
    const reg = await runSipp({ scenario: registerFor, target, csv: credentialsCsv([{ user: 'carol', domain, extra: `127.0.0.1:${port}` }]) });
    expect(reg.code, reg.errors).toBe(0);
    const r = await runSipp({ scenario: uacCallWithReinvite('203'), target, csv: credentialsCsv([{ user: 'alice', domain }]) });
    expect(r.code, r.errors).toBe(0);
    const callee = await uas.done;
    expect(callee.code, callee.errors).toBe(0);
    await unregister('carol');
  });

  it('answers 486 when the callee is busy', async () => {
    const uas = await callee('carol', 'busy');
    const r = await call('203', { expect: 486 });
    expect(r.code, r.errors).toBe(0);
    expect((await uas.done).code).toBe(0);
    expect(await lastCdr()).toMatchObject({ cause: 'busy', sipStatus: 486 });
    await unregister('carol');
  });

  it('answers 480 after the no-answer time and cancels the ringing phone', async () => {
    const uas = await callee('carol', 'ring');
    const r = await runSipp({ scenario: uacCall({ to: '203', expect: 480 }), target, csv: credentialsCsv([{ user: 'alice', domain }]), timeoutS: 15 });
    expect(r.code, r.errors).toBe(0);
    expect((await uas.done).code).toBe(0);
    expect(await lastCdr()).toMatchObject({ cause: 'no_answer', sipStatus: 480 });
    await unregister('carol');
  }, 30_000);

  it('cancels the callee when the caller hangs up while it rings (487)', async () => {
    const uas = await callee('carol', 'ring');
    const r = await call('203', { expect: 487, cancelAfterMs: 300 });
    expect(r.code, r.errors).toBe(0);
    expect((await uas.done).code).toBe(0);
    expect(await lastCdr()).toMatchObject({ cause: 'cancelled', hangupBy: 'caller' });
    await unregister('carol');
  });

  it('answers 404 for a number nobody has', async () => {
    const r = await call('299', { expect: 404 });
    expect(r.code, r.errors).toBe(0);
    expect(await lastCdr()).toMatchObject({ cause: 'not_found', toNumber: '299' });
  });

  it('answers 480 when the callee has no registered device', async () => {
    const r = await call('204', { expect: 480 });
    expect(r.code, r.errors).toBe(0);
  });
});
