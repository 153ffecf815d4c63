import type { Kysely, Transaction } from "kysely";
import type { Keyring } from "../crypto/keyring.js";
import { open, seal, sealedKeyId } from "../crypto/sealing.js";

/**
 * A column sealed under the master keys, as the capability whose table it is declares it: where it
 * is, and the AAD that binds each value to its row (src/crypto/sealing.ts).
 */
export interface SealedColumn {
  table: string;
  id: string;
  column: string;
  aad: (id: string) => string;
  /** Runs in the transaction that re-seals one value, with the value opened (a hash to recompute). */
  alongside?: (trx: Transaction<any>, id: string, plaintext: Buffer) => Promise<void>;
}

const BATCH = 500;

/**
 * Re-seals under the current master key every value of the column sealed under another one, row by
 * row, each in its own transaction and only if the value is still the one read (a shared secret
 * rotated meanwhile is left as it is, already under the current key). Resumable: what is done is
 * skipped. Returns the values re-sealed.
 */
export async function resealColumn(db: Kysely<any>, spec: SealedColumn, keys: Keyring): Promise<number> {
  let after = "";
  let changed = 0;
  for (;;) {
    const rows: { id: string; sealed: string }[] = await db
      .selectFrom(spec.table)
      .select([`${spec.id} as id`, `${spec.column} as sealed`])
      .where(spec.column, "is not", null)
      .where(spec.id, ">", after)
      .orderBy(spec.id)
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return changed;
    const currentId = keys.current().id;
    for (const row of rows) {
      if (sealedKeyId(row.sealed) === currentId) continue;
      const aad = spec.aad(row.id);
      const plaintext = open(keys, row.sealed, aad);
      changed += await db.transaction().execute(async (trx) => {
        const result = await trx.updateTable(spec.table).set({ [spec.column]: seal(keys, plaintext, aad) }).where(spec.id, "=", row.id).where(spec.column, "=", row.sealed).executeTakeFirst();
        if (result.numUpdatedRows === 0n) return 0;
        await spec.alongside?.(trx, row.id, plaintext);
        return 1;
      });
    }
    after = rows[rows.length - 1]!.id;
  }
}

/** How many values of the column are still sealed under another key than the current one. */
export async function notUnderCurrentKey(db: Kysely<any>, spec: SealedColumn, keys: Keyring): Promise<number> {
  const currentId = keys.current().id;
  let after = "";
  let left = 0;
  for (;;) {
    const rows: { id: string; sealed: string }[] = await db.selectFrom(spec.table).select([`${spec.id} as id`, `${spec.column} as sealed`]).where(spec.column, "is not", null).where(spec.id, ">", after).orderBy(spec.id).limit(5000).execute();
    if (rows.length === 0) return left;
    left += rows.filter((row) => sealedKeyId(row.sealed) !== currentId).length;
    after = rows[rows.length - 1]!.id;
  }
}
