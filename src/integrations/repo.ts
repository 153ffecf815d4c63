import type { Kysely } from "kysely";
import type { Database, IntegrationsTable } from "../store/schema.js";
import type { Dialect } from "../store/dialect.js";
import { INTEGRATIONS_CHANNEL } from "../store/change-signal.js";

export type IntegrationRow = IntegrationsTable;
/** What `integrations update` may change; keys and secrets have their own commands. */
export type EditableIntegrationColumns = Pick<IntegrationRow, "name" | "callback_url" | "decision_webhook_url" | "event_webhook_url" | "frame_ancestors" | "strict_signatures" | "is_test">;

export function integrationRepo(db: Kysely<Database>, dialect: Dialect) {
  /** Tells other processes' key caches, inside the changing transaction. */
  const announce = (trx: Kysely<Database>) => dialect.notifyOnCommit(trx, INTEGRATIONS_CHANNEL);
  return {
    /** `record` writes what goes with the new row (its audit event) in the same transaction. */
    async insert(row: IntegrationRow, record: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto("integrations").values(row).execute();
        await record(trx);
        await announce(trx);
      });
    },
    async findByApiKey(apiKey: string): Promise<IntegrationRow | undefined> {
      return db.selectFrom("integrations").selectAll().where("api_key", "=", apiKey).executeTakeFirst();
    },
    /** In `trx` when given: a caller's transaction (on SQLite, the plain `db` would wait for it forever). */
    async findById(id: string, trx: Kysely<Database> = db): Promise<IntegrationRow | undefined> {
      return trx.selectFrom("integrations").selectAll().where("id", "=", id).executeTakeFirst();
    },
    /** The row, with what its reading leaves behind (an audit event) written in the same transaction; nothing when there is no row. */
    async findRecording(id: string, record: (trx: Kysely<Database>) => Promise<void>): Promise<IntegrationRow | undefined> {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom("integrations").selectAll().where("id", "=", id).executeTakeFirst();
        if (row) await record(trx);
        return row;
      });
    },
    async list(): Promise<IntegrationRow[]> {
      return db.selectFrom("integrations").selectAll().orderBy("created_at").orderBy("id").execute();
    },
    async count(): Promise<number> {
      const row = await db.selectFrom("integrations").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** `record`, when given, writes what goes with the change (its audit event) in the same transaction, if there was a row to change. */
    async update(
      id: string,
      changes: Partial<Pick<IntegrationRow, "secret_sealed" | "active" | "retention_days">>,
      now: number,
      record?: (trx: Kysely<Database>) => Promise<void>,
    ): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const result = await trx.updateTable("integrations").set({ ...changes, updated_at: now }).where("id", "=", id).executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        await record?.(trx);
        await announce(trx);
        return true;
      });
    },
    /**
     * Read, decide, write in one transaction, the row locked (PostgreSQL): `decide` sees the values
     * it replaces, so what it records beside the change (the audit event) cannot be stale.
     */
    async change(
      id: string,
      decide: (current: IntegrationRow, trx: Kysely<Database>) => Promise<Partial<EditableIntegrationColumns>>,
      now: number,
    ): Promise<IntegrationRow | undefined> {
      return db.transaction().execute(async (trx) => {
        const read = trx.selectFrom("integrations").selectAll().where("id", "=", id);
        const current = await dialect.lockForChange(read).executeTakeFirst();
        if (!current) return undefined;
        const changes = await decide(current, trx);
        if (Object.keys(changes).length === 0) return current;
        await trx.updateTable("integrations").set({ ...changes, updated_at: now }).where("id", "=", id).execute();
        await announce(trx);
        return { ...current, ...changes, updated_at: now };
      });
    },
  };
}

export type IntegrationRepo = ReturnType<typeof integrationRepo>;
