import { CompiledQuery, type Kysely } from "kysely";
import type { Database, SessionKeysTable, SessionsTable } from "../store/schema.js";
import type { StoreKind } from "../store/db.js";
import { commitBatcher } from "../store/commit-batcher.js";

export type SessionRow = SessionsTable;
export type NewSession = { session: SessionRow; key: SessionKeysTable };

// SQLite allows 32,766 bound parameters per statement; a session row has 17 columns.
const MAX_ROWS_PER_BATCH = 1000;
// Batches in flight at once on PostgreSQL (each on its own pooled connection).
const POSTGRES_CONCURRENT_BATCHES = 4;

/** Bound values of rows, row by row and column by column: the order Kysely gives them. */
function boundValues(tables: readonly (readonly object[])[]): unknown[] {
  const values: unknown[] = [];
  for (const rows of tables) {
    const columns = Object.keys(rows[0]!);
    for (const row of rows) for (const column of columns) values.push((row as Record<string, unknown>)[column]);
  }
  return values;
}

/**
 * The group commit's INSERTs, compiled by Kysely once per shape (row count and columns) and then
 * only bound: building a 32-row insert through the query builder allocates hundreds of nodes per
 * batch. The first compilation of a shape checks that Kysely binds exactly `boundValues`' order.
 */
function reusableStatements() {
  const texts = new Map<string, string>();
  return (shape: string, values: unknown[], compile: () => CompiledQuery): CompiledQuery => {
    const text = texts.get(shape);
    if (text !== undefined) return CompiledQuery.raw(text, values);
    const compiled = compile();
    if (compiled.parameters.length === values.length && compiled.parameters.every((v, i) => v === values[i])) texts.set(shape, compiled.sql);
    return compiled;
  };
}

export function sessionRepo(db: Kysely<Database>, kind: StoreKind) {
  const statement = reusableStatements();
  const writeBatch = async (batch: NewSession[]) => {
    const sessions = new Array<SessionRow>(batch.length);
    const keys = new Array<SessionKeysTable>(batch.length);
    for (let i = 0; i < batch.length; i++) {
      sessions[i] = batch[i]!.session;
      keys[i] = batch[i]!.key;
    }
    const shape = `${batch.length}:${Object.keys(sessions[0]!).join()}:${Object.keys(keys[0]!).join()}`;
    const values = boundValues([sessions, keys]);
    if (kind === "postgres") {
      // One statement is one round trip, and atomic by itself: no BEGIN and COMMIT around it.
      await db.executeQuery(statement(shape, values, () => db.with("new_sessions", (q) => q.insertInto("sessions").values(sessions)).insertInto("session_keys").values(keys).compile()));
      return;
    }
    const sessionValues = values.slice(0, values.length - keys.length * Object.keys(keys[0]!).length);
    const keyValues = values.slice(sessionValues.length);
    await db.transaction().execute(async (trx) => {
      await trx.executeQuery(statement(`sessions ${shape}`, sessionValues, () => trx.insertInto("sessions").values(sessions).compile()));
      await trx.executeQuery(statement(`keys ${shape}`, keyValues, () => trx.insertInto("session_keys").values(keys).compile()));
    });
  };
  const inserts = commitBatcher<NewSession>(writeBatch, MAX_ROWS_PER_BATCH, kind === "postgres" ? POSTGRES_CONCURRENT_BATCHES : 1);

  return {
    /** Resolves once the session and its data key are committed (grouped with concurrent inserts). */
    insert(row: NewSession): Promise<void> {
      return inserts.enqueue(row);
    },

    /** A session of one integration; another integration's session is as absent as a missing one. */
    async findForIntegration(integrationId: string, id: string): Promise<SessionRow | undefined> {
      return db.selectFrom("sessions").selectAll().where("id", "=", id).where("integration_id", "=", integrationId).where("deleted_at", "is", null).executeTakeFirst();
    },

    async findKey(sessionId: string): Promise<SessionKeysTable | undefined> {
      return db.selectFrom("session_keys").selectAll().where("session_id", "=", sessionId).executeTakeFirst();
    },
  };
}

export type SessionRepo = ReturnType<typeof sessionRepo>;
