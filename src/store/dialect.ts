import { type Kysely, sql } from "kysely";
import type SqliteDatabase from "better-sqlite3";
import type pg from "pg";
import type { Database } from "./schema.js";
import { boundValues, type ReusableStatements } from "./statement-texts.js";

/** Runs `work` with the raw better-sqlite3 connection inside a transaction (see `fixedStatements`). */
export type RawSqliteTransaction = <T>(work: (sqlite: SqliteDatabase.Database) => T) => Promise<T>;
/** Runs one statement as a named prepared statement (see `fixedStatements`). */
export type PreparedPostgres = <R>(name: string, text: string, values: unknown[]) => Promise<R[]>;

/** Rows for one table of `insertTogether`. */
export interface TableRows {
  table: keyof Database;
  rows: readonly object[];
}

/**
 * What the two stores do differently, each named by what it does: the repositories call these and
 * never ask which store they are on. Each trade-off is written where it is made.
 */
export interface Dialect {
  /**
   * A read of a row the transaction is about to change, locked against concurrent writers until the
   * transaction ends: `FOR UPDATE` on PostgreSQL. SQLite's transactions take the one write lock when
   * they begin (`begin immediate`, store/db.ts), so there is nothing to add.
   */
  lockForChange<Q extends { forUpdate(): Q }>(query: Q): Q;
  /**
   * Serialises the transactions that name the same `key` until each ends (a transaction-scoped
   * advisory lock on PostgreSQL, where instances share the store; SQLite has one writer anyway).
   */
  serialiseOn(trx: Kysely<Database>, key: string): Promise<void>;
  /**
   * Wakes other processes listening on `channel` once the transaction commits: NOTIFY on
   * PostgreSQL; on SQLite the other processes see the file's data_version move (change-signal.ts).
   */
  notifyOnCommit(trx: Kysely<Database>, channel: string): Promise<void>;
  /** Rows of two tables written all or nothing, in the fewest round trips this store allows. */
  insertTogether(db: Kysely<Database>, statement: ReusableStatements, shape: string, first: TableRows, second: TableRows): Promise<void>;
  /** How many group commits (commit-batcher.ts) may be in flight at once. */
  commitsInFlight: number;
  /**
   * The hot path of statements whose text never changes (the webhook dispatcher's exchange), run the
   * fastest way each store offers; the caller gives both ways and gets the one that applies.
   *
   * SQLite: the raw better-sqlite3 connection, in a Kysely transaction (which holds the one
   * connection, so nothing else runs on it meanwhile), statements prepared once and run
   * synchronously: Kysely's own cost per statement is most of theirs there. `work` must not return
   * a promise.
   *
   * PostgreSQL: a named prepared statement, parsed and planned once per connection and then only
   * executed: parsing and planning are a fifth of the server's work for the exchange. The text takes
   * values as $1, $2, …; its result columns must be listed, not `*`, so that a column added by a
   * later migration does not change the result type of a plan a connection already holds.
   */
  fixedStatements<T>(ways: { sqlite: (transaction: RawSqliteTransaction) => T; postgres: (prepared: PreparedPostgres) => T }): T;
}

// The group commit's rows (commit-batcher.ts): one statement, one round trip.
type Insert = (db: Kysely<any>, statement: ReusableStatements, shape: string, first: TableRows, second: TableRows) => Promise<void>;

export function sqliteDialect(sqlite: SqliteDatabase.Database, db: Kysely<Database>): Dialect {
  const transaction: RawSqliteTransaction = (work) => db.transaction().execute(async () => work(sqlite));
  const insertTogether: Insert = async (kdb, statement, shape, first, second) => {
    const firstValues = boundValues([first.rows]);
    const secondValues = boundValues([second.rows]);
    await kdb.transaction().execute(async (trx) => {
      await trx.executeQuery(statement(`${first.table} ${shape}`, firstValues, () => trx.insertInto(first.table).values(first.rows as any).compile()));
      await trx.executeQuery(statement(`${second.table} ${shape}`, secondValues, () => trx.insertInto(second.table).values(second.rows as any).compile()));
    });
  };
  return {
    lockForChange: (query) => query,
    serialiseOn: async () => {},
    notifyOnCommit: async () => {},
    insertTogether,
    // One connection: a second flush would only queue behind the first.
    commitsInFlight: 1,
    fixedStatements: (ways) => ways.sqlite(transaction),
  };
}

export function postgresDialect(pool: pg.Pool): Dialect {
  const prepared: PreparedPostgres = async <R>(name: string, text: string, values: unknown[]) => {
    const result = await pool.query<R & pg.QueryResultRow>({ name, text, values });
    return result.rows;
  };
  const insertTogether: Insert = async (kdb, statement, shape, first, second) => {
    // One statement is one round trip, and atomic by itself: no BEGIN and COMMIT around it.
    const values = boundValues([first.rows, second.rows]);
    await kdb.executeQuery(
      statement(shape, values, () => kdb.with(`new_${first.table}`, (q) => q.insertInto(first.table).values(first.rows as any)).insertInto(second.table).values(second.rows as any).compile()),
    );
  };
  return {
    lockForChange: (query) => query.forUpdate(),
    serialiseOn: async (trx, key) => void (await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx)),
    notifyOnCommit: async (trx, channel) => void (await sql`select pg_notify(${channel}, '')`.execute(trx)),
    insertTogether,
    // A commit is mostly waiting (round trips, the WAL flush): other pooled connections use that time.
    commitsInFlight: 4,
    fixedStatements: (ways) => ways.postgres(prepared),
  };
}
