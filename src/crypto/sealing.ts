import { createCipheriv, createDecipheriv } from "node:crypto";
import { randomBytesPooled } from "./random.js";
import type { Keyring } from "./keyring.js";

/**
 * AES-256-GCM sealing for everything kept at rest: shared secrets, wrapped data keys, personal data.
 * Layout (base64): version byte | (version 2: the 8-byte id of the master key) | 12-byte IV | 16-byte
 * tag | ciphertext. Values sealed under a session's data key are version 1; under the master keys,
 * version 2 names its key, so a rotation knows what is left to re-seal (version 1 values from before
 * key ids are opened by trying each master key: GCM's tag tells the right one). The `aad` binds a
 * sealed value to the row it belongs to, so a value copied onto another row fails to open.
 */
const PLAIN = 1;
const WITH_KEY_ID = 2;

/** A data key, or the master keys (sealing under the current one). */
export type SealingKey = Buffer | Keyring;

function encrypt(key: Buffer, plaintext: Buffer | string, aad: string): Buffer[] {
  const iv = randomBytesPooled(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return [iv, cipher.getAuthTag(), body, final];
}

function decrypt(key: Buffer, raw: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

export function seal(key: SealingKey, plaintext: Buffer | string, aad: string): string {
  if (Buffer.isBuffer(key)) return Buffer.concat([Buffer.of(PLAIN), ...encrypt(key, plaintext, aad)]).toString("base64");
  const current = key.current();
  return Buffer.concat([Buffer.of(WITH_KEY_ID), Buffer.from(current.id, "hex"), ...encrypt(current.key, plaintext, aad)]).toString("base64");
}

/** The id of the master key a value was sealed under; null for version 1 (a data key's, or from before key ids). */
export function sealedKeyId(sealed: string): string | null {
  const head = Buffer.from(sealed.slice(0, 12), "base64");
  return head[0] === WITH_KEY_ID ? head.subarray(1, 9).toString("hex") : null;
}

export function open(key: SealingKey, sealed: string, aad: string): Buffer {
  const raw = Buffer.from(sealed, "base64");
  if (raw[0] === WITH_KEY_ID && raw.length >= 37 && !Buffer.isBuffer(key)) {
    const id = raw.subarray(1, 9).toString("hex");
    const master = key.byId(id);
    if (!master) throw new Error(`sealed under master key ${id}, which this installation no longer has`);
    return decrypt(master.key, raw.subarray(9), aad);
  }
  if (raw.length < 29 || raw[0] !== PLAIN) throw new Error("sealed value has an unknown layout");
  if (Buffer.isBuffer(key)) return decrypt(key, raw.subarray(1), aad);
  const candidates = key.all();
  for (const [index, master] of candidates.entries()) {
    try {
      return decrypt(master.key, raw.subarray(1), aad);
    } catch (error) {
      if (index === candidates.length - 1) throw error;
    }
  }
  throw new Error("no master key");
}
