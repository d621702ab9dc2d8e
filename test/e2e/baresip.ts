import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Headless baresip (Debian baresip-core 1.0) for real-client tests on loopback: one process per
 * user agent with its own config folder, SIP and RTP on 127.0.0.1 (-n 127.0.0.1, else baresip puts
 * another interface's address in the SDP), commands sent to the `cons` module as UDP datagrams,
 * and the verbose log read back from a file.
 */

export const BARESIP_MODULES = '/usr/lib/baresip/modules';

export interface BaresipOptions {
  /** Folder for this agent's config, accounts, log and recordings (created). */
  dir: string;
  /** The account line: `<sip:user@domain>;outbound="sip:host:port;transport=udp";auth_pass=…`. */
  account: string;
  sipPort: number;
  consPort: number;
  /** RTP port range, e.g. [30000, 30019]. */
  rtpPorts: [number, number];
  /** A WAV (8 kHz mono 16-bit) sent as the microphone. */
  audioSource: string;
  /** baresip quits by itself after this many seconds, so a forgotten process cannot linger. */
  maxSeconds: number;
}

export interface Baresip {
  /** The log so far, colour codes removed. */
  log(): string;
  /** One command for the `cons` module, e.g. `/dial sip:202@example.test` or `/hangup`. */
  command(text: string): Promise<void>;
  /** Resolves once the log matches, fails after timeoutMs with the log's tail. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Decoded audio received in calls (the sndfile module's *-dec.wav files). */
  receivedRecordings(): string[];
  stop(): Promise<void>;
}

export function startBaresip(opts: BaresipOptions): Baresip {
  const records = join(opts.dir, 'rec');
  mkdirSync(records, { recursive: true });
  writeFileSync(
    join(opts.dir, 'config'),
    [
      'poll_method\t\tepoll',
      `sip_listen\t\t127.0.0.1:${opts.sipPort}`,
      'sip_trans_def\t\tudp',
      'audio_player\t\talsa,null',
      'audio_alert\t\talsa,null',
      `audio_source\t\taufile,${opts.audioSource}`,
      `rtp_ports\t\t${opts.rtpPorts[0]}-${opts.rtpPorts[1]}`,
      `module_path\t\t${BARESIP_MODULES}`,
      'module\t\t\tcons.so',
      'module\t\t\tg711.so',
      'module\t\t\talsa.so',
      'module\t\t\taufile.so',
      'module\t\t\tsndfile.so',
      'module_tmp\t\tuuid.so',
      'module_tmp\t\taccount.so',
      'module_app\t\tmenu.so',
      `cons_listen\t\t127.0.0.1:${opts.consPort}`,
      `snd_path\t\t${records}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(opts.dir, 'accounts'), opts.account + '\n');
  const logFile = join(opts.dir, 'baresip.log');
  const out = openSync(logFile, 'w');
  const child: ChildProcess = spawn('baresip', ['-f', opts.dir, '-4', '-n', '127.0.0.1', '-v', '-t', String(opts.maxSeconds)], {
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const log = () => {
    try {
      return readFileSync(logFile, 'latin1')
        .replace(/\x1b\[[0-9;]*m/g, '')
        .replace(/\r+/g, '\n');
    } catch {
      return '';
    }
  };
  return {
    log,
    command: async (text) => {
      const socket = createSocket('udp4');
      try {
        await new Promise<void>((resolve, reject) => socket.send(text + '\n', opts.consPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      } finally {
        socket.close();
      }
    },
    waitFor: async (pattern, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs;
      while (!pattern.test(log())) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`baresip log never matched ${String(pattern)}:\n${log().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    receivedRecordings: () =>
      readdirSync(records)
        .filter((f) => f.endsWith('-dec.wav'))
        .map((f) => join(records, f)),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Writes a 16-bit mono WAV of a sine tone. */
export function writeToneWav(file: string, opts: { hz: number; seconds: number; rate?: number; amplitude?: number }): void {
  const rate = opts.rate ?? 8000;
  const samples = Math.round(rate * opts.seconds);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round((opts.amplitude ?? 0.3) * 32767 * Math.sin((2 * Math.PI * opts.hz * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([header, data]));
}

/** RMS amplitude (0–1) of a 16-bit PCM WAV, read from its data chunk. */
export function wavRms(file: string): number {
  const buf = readFileSync(file);
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('latin1', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'data') {
      const end = Math.min(buf.length, offset + 8 + size);
      let sum = 0;
      let n = 0;
      for (let i = offset + 8; i + 1 < end; i += 2, n++) sum += (buf.readInt16LE(i) / 32768) ** 2;
      return n === 0 ? 0 : Math.sqrt(sum / n);
    }
    offset += 8 + size + (size % 2);
  }
  return 0;
}
