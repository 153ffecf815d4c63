import { Keyring } from "../crypto/keyring.js";
import { hmacHex } from "../crypto/hmac.js";
import { open, seal } from "../crypto/sealing.js";
import type { SessionKeysTable, SessionsTable } from "../store/schema.js";
import { openSessionKey } from "./init-data.js";

export const vendorDataAad = (sessionId: string) => `session-vendor-data:${sessionId}`;

/**
 * `vendorData` at rest (issue 14, finding 4): the integrator's id of its user is personal data, so it
 * is sealed under the session's data key (destroying the key erases it, in backups too), and the
 * exact-match filter finds it by a keyed hash, an HMAC under a key derived from the master key: equal
 * values give equal hashes, but nobody without the master key can compute one to test a guess.
 */
export function vendorDataCodec(masterKey: Keyring) {
  /** The index key of one master key: a rotation re-hashes every value under the new one (src/keys/rotation.ts). */
  const indexKey = Keyring.derivedKeys("earthid vendorData index");
  const hash = (vendorData: string) => hmacHex(indexKey(masterKey.current()), vendorData);
  return {
    hash,
    /** The hashes to look for: one per master key, as rows re-hashed and rows not yet coexist during a rotation. */
    hashes: (vendorData: string) => masterKey.all().map((master) => hmacHex(indexKey(master), vendorData)),

    /** The columns a new session stores for `vendorData`. */
    columns(sessionId: string, dataKey: Buffer, vendorData: string | null): Pick<SessionsTable, "vendor_data" | "vendor_data_hash" | "vendor_data_sealed"> {
      if (vendorData === null) return { vendor_data: null, vendor_data_hash: null, vendor_data_sealed: null };
      return { vendor_data: null, vendor_data_hash: hash(vendorData), vendor_data_sealed: seal(dataKey, vendorData, vendorDataAad(sessionId)) };
    },

    /**
     * The row as the services read it, `vendor_data` the value in clear: opened with the session's
     * data key, null once that key was destroyed. A row not yet sealed (written before migration
     * 0009, until `sealPlain` reaches it) keeps its plain column.
     */
    /** vendorData opened from a row's sealed column with its data key (a rotation re-hashing it). */
    open: (sessionId: string, dataKey: Buffer, sealed: string) => open(dataKey, sealed, vendorDataAad(sessionId)).toString("utf8"),

    reveal<Row extends SessionsTable>(row: Row, key: Pick<SessionKeysTable, "session_id" | "key_sealed"> | undefined): Row {
      if (row.vendor_data_sealed === null) return row;
      const vendorData = key ? open(openSessionKey(masterKey, key), row.vendor_data_sealed, vendorDataAad(row.id)).toString("utf8") : null;
      return { ...row, vendor_data: vendorData };
    },
  };
}

export type VendorDataCodec = ReturnType<typeof vendorDataCodec>;
