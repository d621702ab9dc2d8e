import { randomFillSync } from 'node:crypto';

/*
 * Branch ids, tags and Call-IDs from the operating system's CSPRNG (RFC 3261 §8.1.1.7 wants
 * branches unique across space and time; predictable ones let an attacker inject responses).
 * Random bytes are drawn 8 KiB at a time so one id costs a slice, not a syscall.
 */
const POOL_SIZE = 8192;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

function randomToken(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const s = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return s;
}

/** A Via branch with the RFC 3261 magic cookie and 96 random bits. */
export function newBranch(): string {
  return 'z9hG4bK' + randomToken(12);
}

/** A From/To tag: 64 random bits. */
export function newTag(): string {
  return randomToken(8);
}

/** A Call-ID: 120 random bits, no host part (nothing about us leaks into it). */
export function newCallId(): string {
  return randomToken(15);
}
