import { createCipheriv, createDecipheriv } from "node:crypto";
import { randomBytesPooled } from "./random.js";

/**
 * AES-256-GCM sealing for everything kept at rest: shared secrets, wrapped data keys, personal data.
 * Layout (base64): version byte 1 | 12-byte IV | 16-byte tag | ciphertext. The `aad` binds a sealed
 * value to the row it belongs to, so a value copied onto another row fails to open.
 */
const VERSION = 1;

export function seal(key: Buffer, plaintext: Buffer | string, aad: string): string {
  const iv = randomBytesPooled(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body, final]).toString("base64");
}

export function open(key: Buffer, sealed: string, aad: string): Buffer {
  const raw = Buffer.from(sealed, "base64");
  if (raw.length < 29 || raw[0] !== VERSION) throw new Error("sealed value has an unknown layout");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(1, 13));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(13, 29));
  return Buffer.concat([decipher.update(raw.subarray(29)), decipher.final()]);
}
