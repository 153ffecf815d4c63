import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Kysely } from "kysely";
import type { Keyring } from "../crypto/keyring.js";
import { type SealedColumn, notUnderCurrentKey, resealColumn } from "../store/reseal.js";

const DAY_MS = 86_400_000;

export interface RotationDeps {
  db: Kysely<any>;
  keys: Keyring;
  /** Every column sealed under the master keys, as each capability declares them. */
  columns: SealedColumn[];
  /**
   * Keyed hashes under a key derived from the master key, each re-computed under the current one
   * (from the value it hashes, opened) after every value is re-sealed; by name.
   */
  indexes: { name: string; rehash: () => Promise<number> }[];
  /** EARTHID_BACKUP_RETENTION_DAYS: a retired key outlives the backups that may still need it. */
  backupRetentionDays: number;
  now?: () => number;
}

export interface RotationReport {
  /** The key that seals now. */
  current: string;
  /** A new key was made (false: an unfinished rotation was resumed, or EARTHID_MASTER_KEY names the key). */
  newKey: boolean;
  resealed: Record<string, number>;
  /** Rows of each index whose hash was re-computed under the current key. */
  rehashed: Record<string, number>;
  /** Retired keys kept, and from when they may be destroyed (null: given in EARTHID_PREVIOUS_MASTER_KEYS). */
  kept: { id: string; destroyAfter: string | null }[];
  destroyed: string[];
}

/**
 * `earthid keys rotate` and `earthid keys prune` (issue 14, finding 4). Erasure destroys a session's
 * data key, but a backup taken before holds that data key sealed under the master key: once the
 * master key that sealed it is destroyed too, the backup's copy is noise. A rotation makes a new
 * master key, re-seals every value under it while the service runs (each value in its own
 * transaction, old and new keys both opening meanwhile), and keeps the old key until backups older
 * than the rotation have expired; then it is destroyed.
 */
export function keyRotation({ db, keys, columns, indexes, backupRetentionDays, now = Date.now }: RotationDeps) {
  const marker = path.join(keys.retiredDir, "rotation-unfinished");

  async function resealAll(): Promise<Record<string, number>> {
    const resealed: Record<string, number> = {};
    for (const column of columns) resealed[`${column.table}.${column.column}`] = await resealColumn(db, column, keys);
    return resealed;
  }

  async function rehashAll(): Promise<Record<string, number>> {
    const rehashed: Record<string, number> = {};
    for (const index of indexes) rehashed[index.name] = await index.rehash();
    return rehashed;
  }

  async function leftUnderOldKeys(): Promise<number> {
    let left = 0;
    for (const column of columns) left += await notUnderCurrentKey(db, column, keys);
    return left;
  }

  /** Retired keys whose time is up are destroyed, if nothing is sealed under them any more. */
  async function pruneKeys(): Promise<Pick<RotationReport, "kept" | "destroyed">> {
    const at = now();
    const destroyed: string[] = [];
    const kept: RotationReport["kept"] = [];
    const clean = (await leftUnderOldKeys()) === 0 && !existsSync(marker);
    for (const key of keys.all().slice(1)) {
      const destroyAt = key.retiredAt === null ? null : key.retiredAt + backupRetentionDays * DAY_MS;
      if (destroyAt !== null && destroyAt <= at && clean) {
        keys.destroy(key.id);
        destroyed.push(key.id);
      } else {
        kept.push({ id: key.id, destroyAfter: destroyAt === null ? null : new Date(destroyAt).toISOString() });
      }
    }
    return { kept, destroyed };
  }

  return {
    async rotate(): Promise<RotationReport> {
      const resuming = existsSync(marker);
      const newKey = !resuming && !keys.fromEnvironment;
      if (newKey) {
        mkdirSync(keys.retiredDir, { recursive: true, mode: 0o700 });
        // Written first: a crash anywhere after it is resumed by the next `keys rotate`, not restarted with yet another key.
        writeFileSync(marker, `${new Date(now()).toISOString()}\n`, { mode: 0o600 });
        keys.rotate(randomBytes(32), now());
      }
      const resealed = await resealAll();
      const rehashed = await rehashAll();
      rmSync(marker, { force: true });
      return { current: keys.current().id, newKey, resealed, rehashed, ...(await pruneKeys()) };
    },

    /**
     * Re-seals and re-hashes what a running server may still have written under an old key, then
     * destroys the keys whose time is up.
     */
    async prune(): Promise<RotationReport> {
      const resealed = await resealAll();
      const rehashed = await rehashAll();
      if ((await leftUnderOldKeys()) === 0) rmSync(marker, { force: true });
      return { current: keys.current().id, newKey: false, resealed, rehashed, ...(await pruneKeys()) };
    },
  };
}
