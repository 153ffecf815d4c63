import { mkdir, open, readFile, readdir, rm, rmdir, unlink } from "node:fs/promises";
import path from "node:path";
import { isUuid } from "../store/ids.js";
import type { MediaWork } from "./work.js";

/**
 * Media bytes at rest: `<dataDir>/media/<sessionId>/<mediaId>`, both names our own UUIDs, each file
 * sealed with AES-256-GCM under the session's data key, so destroying that key erases the image,
 * backups included; the AAD binds a file to its session and media id, so a file copied onto another
 * name fails to open. Sealing and opening run in the media worker threads (src/media/worker.js).
 */
export const mediaAad = (sessionId: string, mediaId: string) => `media:${sessionId}:${mediaId}`;

/** Path names come from ids we issued; anything else never reaches the filesystem. */
function assertId(id: string): string {
  if (!isUuid(id)) throw new Error(`not a media or session id: ${JSON.stringify(id.slice(0, 64))}`);
  return id.toLowerCase();
}

export function mediaFiles(dataDir: string, work: Pick<MediaWork, "seal" | "open">) {
  const root = path.join(dataDir, "media");
  const dirOf = (sessionId: string) => path.join(root, assertId(sessionId));
  const fileOf = (sessionId: string, mediaId: string) => path.join(dirOf(sessionId), assertId(mediaId));

  return {
    root,

    /**
     * Seals and writes a new file, flushed to disk before it resolves: a committed row never points
     * at nothing. `plaintext` is handed over to the sealing thread: do not read it afterwards.
     */
    async write(sessionId: string, mediaId: string, key: Buffer, plaintext: Buffer): Promise<void> {
      const sealed = await work.seal(key, plaintext, mediaAad(sessionId, mediaId));
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

    /** The plaintext (with its HMAC under `secret`, if given), or undefined when the file is gone (erased). */
    async read(sessionId: string, mediaId: string, key: Buffer, secret: Buffer | null = null): Promise<{ bytes: Buffer; hmac: string | null } | undefined> {
      let sealed: Buffer;
      try {
        sealed = await readFile(fileOf(sessionId, mediaId));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
      return work.open(key, sealed, mediaAad(sessionId, mediaId), secret);
    },

    async remove(sessionId: string, mediaId: string): Promise<void> {
      await rm(fileOf(sessionId, mediaId), { force: true });
    },

    /** Removes every file of the session and its folder; returns how many files there were. */
    eraseSession: (sessionId: string) => eraseSessionFiles(dataDir, sessionId),
  };
}

/** Removes every media file of a session and its folder under `dataDir`; returns how many files there were. */
export async function eraseSessionFiles(dataDir: string, sessionId: string): Promise<number> {
  const dir = path.join(dataDir, "media", assertId(sessionId));
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
}

export type MediaFiles = ReturnType<typeof mediaFiles>;
