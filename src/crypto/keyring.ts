import { createHash, hkdfSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The master keys: the current one, which seals, and the retired ones, which only open what was
 * sealed before a rotation until `earthid keys rotate` has re-sealed it (src/keys/rotation.ts). A key
 * is named by its id, the first 16 hex digits of its SHA-256, written into every value it seals
 * (src/crypto/sealing.ts), so old and new coexist during a rotation and one cut short resumes.
 *
 * On disk: `master.key` (the current key, hex, 0600) and `master-keys/<id>.json` per retired key
 * (`{"key","retiredAt"}`). `EARTHID_MASTER_KEY`, when set, is the current key instead, and
 * `EARTHID_PREVIOUS_MASTER_KEYS` (comma-separated) the retired ones the operator still holds.
 */
export interface MasterKey {
  id: string;
  key: Buffer;
  /** Epoch ms the key stopped sealing; null for the current key and for keys given in the environment. */
  retiredAt: number | null;
}

export const keyId = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 16);

/** How often a process looks at `master.key` again: a rotation run by the CLI reaches a running server within this. */
const RELOAD_MS = 2_000;

export function parseKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error(`master key in ${where} is not 32 bytes`);
  return key;
}

export interface KeyringSource {
  dataDir: string;
  /** EARTHID_MASTER_KEY. */
  configured?: string | undefined;
  /** EARTHID_PREVIOUS_MASTER_KEYS. */
  previous?: readonly string[] | undefined;
}

export class Keyring {
  private keys = new Map<string, MasterKey>();
  private currentId = "";
  private checkedAt = 0;
  private currentMtime = 0;

  constructor(private readonly source: KeyringSource) {
    this.load();
  }

  get fromEnvironment(): boolean {
    return this.source.configured !== undefined;
  }

  get retiredDir(): string {
    return path.join(this.source.dataDir, "master-keys");
  }

  get currentFile(): string {
    return path.join(this.source.dataDir, "master.key");
  }

  /** The key that seals now (looked up again at most every 2 s, for a rotation made by another process). */
  current(): MasterKey {
    const at = Date.now();
    if (!this.fromEnvironment && at - this.checkedAt > RELOAD_MS) {
      this.checkedAt = at;
      const mtime = statSync(this.currentFile, { throwIfNoEntry: false })?.mtimeMs ?? 0;
      if (mtime !== this.currentMtime) this.load();
    }
    return this.keys.get(this.currentId)!;
  }

  /** A key by id; the files are read again once when it is unknown (another process rotated). */
  byId(id: string): MasterKey | undefined {
    if (!this.keys.has(id)) this.load();
    return this.keys.get(id);
  }

  /** Every key, current first. */
  all(): MasterKey[] {
    const current = this.current();
    return [current, ...[...this.keys.values()].filter((key) => key.id !== current.id)];
  }

  /** A key for one purpose (an index, a token), derived from `key` and never used to seal. */
  static derive(key: MasterKey, purpose: string): Buffer {
    return Buffer.from(hkdfSync("sha256", key.key, Buffer.alloc(0), purpose, 32));
  }

  /** `derive` for one purpose, computed once per master key (a keyed hash on every request needs it). */
  static derivedKeys(purpose: string): (key: MasterKey) => Buffer {
    const derived = new Map<string, Buffer>();
    return (key) => {
      let found = derived.get(key.id);
      if (!found) derived.set(key.id, (found = Keyring.derive(key, purpose)));
      return found;
    };
  }

  load(): void {
    const keys = new Map<string, MasterKey>();
    const add = (key: Buffer, retiredAt: number | null) => keys.set(keyId(key), { id: keyId(key), key, retiredAt });
    let current: Buffer;
    if (this.source.configured !== undefined) {
      current = parseKey(this.source.configured, "EARTHID_MASTER_KEY");
      for (const text of this.source.previous ?? []) add(parseKey(text, "EARTHID_PREVIOUS_MASTER_KEYS"), null);
    } else {
      current = parseKey(readFileSync(this.currentFile, "utf8"), this.currentFile);
      this.currentMtime = statSync(this.currentFile).mtimeMs;
    }
    if (existsSync(this.retiredDir)) {
      for (const name of readdirSync(this.retiredDir).filter((file) => file.endsWith(".json"))) {
        const file = path.join(this.retiredDir, name);
        const { key, retiredAt } = JSON.parse(readFileSync(file, "utf8")) as { key: string; retiredAt: number };
        add(parseKey(key, file), retiredAt);
      }
    }
    add(current, null);
    this.keys = keys;
    this.currentId = keyId(current);
  }

  /**
   * A new current key; the one it replaces is kept in master-keys/ with the time it retired. The
   * retired copy is written before master.key is replaced (by rename), so a crash between the two
   * loses no key.
   */
  rotate(newKey: Buffer, at: number): { retired: MasterKey; current: MasterKey } {
    if (this.fromEnvironment) throw new Error("EARTHID_MASTER_KEY is set: put the new key there and the old one in EARTHID_PREVIOUS_MASTER_KEYS, restart, then run `earthid keys rotate`");
    const retired = this.current();
    mkdirSync(this.retiredDir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(this.retiredDir, `${retired.id}.json`), `${JSON.stringify({ key: retired.key.toString("hex"), retiredAt: at })}\n`, { mode: 0o600, flush: true });
    const next = `${this.currentFile}.next`;
    writeFileSync(next, `${newKey.toString("hex")}\n`, { mode: 0o600, flush: true });
    renameSync(next, this.currentFile);
    this.load();
    return { retired: { ...retired, retiredAt: at }, current: this.current() };
  }

  /** Destroys a retired key: its file is removed, and whatever is still sealed under it can never be opened. */
  destroy(id: string): void {
    if (id === this.current().id) throw new Error("the current master key cannot be destroyed");
    rmSync(path.join(this.retiredDir, `${id}.json`), { force: true });
    this.load();
  }
}
