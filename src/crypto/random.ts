import { randomFillSync } from "node:crypto";

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

/**
 * Bytes from the operating system's CSPRNG, as `crypto.randomBytes` gives, but drawn from a 4 KB
 * pool refilled in one call: a call into OpenSSL costs about as much for 12 bytes as for 4 KB, and
 * session creation needs three draws (data key, two IVs). `randomUUID` pools its entropy the same
 * way. Every byte is handed out once and wiped from the pool as it is.
 */
export function randomBytesPooled(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.allocUnsafeSlow(size));
  if (used + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    used = 0;
  }
  const out = Buffer.allocUnsafe(size);
  pool.copy(out, 0, used, used + size);
  pool.fill(0, used, used + size);
  used += size;
  return out;
}
