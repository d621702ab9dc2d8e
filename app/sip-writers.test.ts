import { describe, expect, it } from 'vitest';
import type { Binding } from '../sip/registrar/location.ts';
import { BindingWriter, CdrWriter } from './sip-writers.ts';

const NOW = 1_800_000_000_000;

function binding(over: Partial<Binding> = {}): Binding {
  return {
    orgId: 'o',
    deviceId: 'd',
    aor: 'sip:a@x',
    contact: 'sip:a@10.0.0.1:5060',
    callId: 'c',
    cseq: 1,
    q: null,
    instanceId: null,
    regId: null,
    expiresAt: NOW + 3600_000,
    source: { transport: 'udp', address: '10.0.0.1', port: 5060 },
    userAgent: 'phone',
    path: [],
    ...over,
  };
}

function fakeStore() {
  const calls: string[] = [];
  return {
    calls,
    registrations: {
      upsertMany: async (rows: readonly { contact: string }[]) => void calls.push(`upsert ${rows.length}`),
      deleteMany: async (keys: readonly { contact: string }[]) => void calls.push(`delete ${keys.length}`),
    },
  };
}

describe('bindings written behind', () => {
  it('writes a new binding once and skips refreshes that move the expiry by less than a quarter interval', async () => {
    const store = fakeStore();
    let now = NOW;
    const w = new BindingWriter(store, () => now);
    w.saved(binding());
    await w.flush();
    now += 60_000;
    w.saved(binding({ expiresAt: now + 3600_000, callId: 'c2', cseq: 2 }));
    await w.flush();
    expect(store.calls).toEqual(['upsert 1']);
    now += 1000_000;
    w.saved(binding({ expiresAt: now + 3600_000 }));
    await w.flush();
    expect(store.calls).toEqual(['upsert 1', 'upsert 1']);
  });

  it('writes a refresh that comes from another address or port at once', async () => {
    const store = fakeStore();
    const w = new BindingWriter(store, () => NOW);
    w.saved(binding());
    await w.flush();
    w.saved(binding({ source: { transport: 'udp', address: '10.0.0.1', port: 5070 } }));
    await w.flush();
    expect(store.calls).toEqual(['upsert 1', 'upsert 1']);
  });

  it('deletes a removed binding, and forgets one removed before it was ever written', async () => {
    const store = fakeStore();
    const w = new BindingWriter(store, () => NOW);
    w.saved(binding());
    await w.flush();
    w.removed(binding());
    w.saved(binding({ contact: 'sip:a@10.0.0.1:5099' }));
    w.removed(binding({ contact: 'sip:a@10.0.0.1:5099' }));
    await w.flush();
    expect(store.calls).toEqual(['upsert 1', 'delete 1']);
  });

  it('keeps a batch for the next flush when the store fails', async () => {
    let fail = true;
    const calls: number[] = [];
    const w = new BindingWriter({
      registrations: {
        upsertMany: async (rows: readonly unknown[]) => {
          if (fail) throw new Error('down');
          calls.push(rows.length);
        },
        deleteMany: async () => {},
      },
    });
    w.saved(binding());
    await expect(w.flush()).rejects.toThrow('down');
    fail = false;
    await w.flush();
    expect(calls).toEqual([1]);
  });
});

describe('CDRs written behind', () => {
  it('writes call records in one batch and keeps them when the store fails', async () => {
    const batches: number[] = [];
    let fail = true;
    const w = new CdrWriter({
      cdrs: {
        insertMany: async (rows: readonly unknown[]) => {
          if (fail) throw new Error('down');
          batches.push(rows.length);
        },
      },
    });
    const rec = {
      orgId: 'o',
      callId: 'c',
      direction: 'internal' as const,
      fromNumber: '201',
      fromUserId: null,
      toNumber: '202',
      toUserId: null,
      trunkId: null,
      startedAt: NOW,
      answeredAt: null,
      endedAt: NOW + 1000,
      cause: 'busy' as const,
      sipStatus: 486,
      hangupBy: null,
    };
    w.record(rec);
    w.record(rec);
    await expect(w.flush()).rejects.toThrow('down');
    fail = false;
    await w.flush();
    expect(batches).toEqual([2]);
  });
});
