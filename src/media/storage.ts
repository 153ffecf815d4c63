import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdir, open, readFile, readdir, rm, rmdir, unlink } from "node:fs/promises";
import path from "node:path";
import { isUuid } from "../sessions/service.js";

/**
 * Media bytes at rest: `<dataDir>/media/<sessionId>/<mediaId>`, both names our own UUIDs, each file
 * sealed with AES-256-GCM under the session's data key, so destroying that key erases the image,
 * backups included. Layout: version byte 1 | 12-byte IV | ciphertext | 16-byte tag; the AAD binds a
 * file to its session and media id, so a file copied onto another name fails to open.
 */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const mediaAad = (sessionId: string, mediaId: string) => `media:${sessionId}:${mediaId}`;

export function sealMedia(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return Buffer.concat([Buffer.of(VERSION), iv, body, final, cipher.getAuthTag()]);
}

export function openMedia(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new Error("media file has an unknown layout");
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(1, 1 + IV_BYTES));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}

/** Path names come from ids we issued; anything else never reaches the filesystem. */
function assertId(id: string): string {
  if (!isUuid(id)) throw new Error(`not a media or session id: ${JSON.stringify(id.slice(0, 64))}`);
  return id.toLowerCase();
}

export function mediaFiles(dataDir: string) {
  const root = path.join(dataDir, "media");
  const dirOf = (sessionId: string) => path.join(root, assertId(sessionId));
  const fileOf = (sessionId: string, mediaId: string) => path.join(dirOf(sessionId), assertId(mediaId));

  return {
    root,

    /** Seals and writes a new file, flushed to disk before it resolves: a committed row never points at nothing. */
    async write(sessionId: string, mediaId: string, key: Buffer, plaintext: Buffer): Promise<void> {
      const sealed = sealMedia(key, plaintext, mediaAad(sessionId, mediaId));
      const create = async () => {
        await mkdir(dirOf(sessionId), { recursive: true, mode: 0o700 });
        return open(fileOf(sessionId, mediaId), "wx", 0o600);
      };
      // An erasure of the same session may remove the folder between mkdir and open: once more.
      const handle = await create().catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? create() : Promise.reject(error)));
      try {
        await handle.writeFile(sealed);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    },

    /** The plaintext, or undefined when the file is gone (erased). */
    async read(sessionId: string, mediaId: string, key: Buffer): Promise<Buffer | undefined> {
      let sealed: Buffer;
      try {
        sealed = await readFile(fileOf(sessionId, mediaId));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
      return openMedia(key, sealed, mediaAad(sessionId, mediaId));
    },

    async remove(sessionId: string, mediaId: string): Promise<void> {
      await rm(fileOf(sessionId, mediaId), { force: true });
    },

    /** Removes every file of the session and its folder; returns how many files there were. */
    async eraseSession(sessionId: string): Promise<number> {
      const dir = dirOf(sessionId);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
        throw error;
      }
      let removed = 0;
      for (const name of names) {
        try {
          await unlink(path.join(dir, name));
          removed++;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        }
      }
      try {
        await rmdir(dir);
      } catch (error) {
        // An upload that raced the erasure wrote a file meanwhile; the next erasure takes it.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT" && (error as NodeJS.ErrnoException).code !== "ENOTEMPTY") throw error;
      }
      return removed;
    },
  };
}

export type MediaFiles = ReturnType<typeof mediaFiles>;
