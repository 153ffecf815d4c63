import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { CompiledQuery, type Driver, Kysely, Migrator, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase, sql } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";
import { migrationNames, migrationProvider } from "./migrations.js";
import { type ChangeSignal, postgresChangeSignal, sqliteChangeSignal } from "./change-signal.js";
import { WRITER_AUTOCHECKPOINT_PAGES, startCheckpointer } from "./checkpointer.js";

export type StoreKind = "sqlite" | "postgres";

export interface Store {
  kind: StoreKind;
  db: Kysely<Database>;
  /** Tells the integration-key cache when another process may have changed integrations. */
  integrationChanges: ChangeSignal;
  migrate(): Promise<void>;
  /** Names of migrations not yet applied; empty when the schema is current. */
  pendingMigrations(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * SQLite only: runs `work` in a transaction with the raw better-sqlite3 connection, for hot paths
   * whose statements are prepared once and run synchronously (the webhook dispatcher's exchange):
   * Kysely's own cost per statement is most of theirs. The transaction is Kysely's, which holds the
   * one connection, so nothing else runs on it meanwhile; `work` must not return a promise.
   */
  sqliteTransaction?<T>(work: (sqlite: SqliteDatabase.Database) => T): Promise<T>;
  /**
   * PostgreSQL only: runs one statement as a named prepared statement, parsed and planned once per
   * connection and then only executed, for hot paths whose text never changes (the webhook
   * dispatcher's exchange), where parsing and planning are a fifth of the server's work. `name` is
   * the statement's, one per text; `text` takes `values` as $1, $2, …; its result columns must be
   * listed, not `*`, so that a column added by a later migration does not change the result type of
   * a plan a connection already holds.
   */
  postgresPrepared?<R>(name: string, text: string, values: unknown[]): Promise<R[]>;
}

export interface StoreOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  sqliteSynchronous?: "NORMAL" | "FULL";
  /** PostgreSQL pool size. */
  poolSize?: number;
}

// bigint columns hold epoch milliseconds, far inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/**
 * The database file exists, readable by its owner only, before SQLite opens it: SQLite creates the
 * -wal and -shm files with the database file's permissions, and its own default (0644 under the
 * usual umask) would let any local user read personal data. A file from an older version is narrowed.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, "a", 0o600));
  for (const name of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(name) && (statSync(name).mode & 0o077) !== 0) chmodSync(name, 0o600);
  }
}

export function openStore(options: StoreOptions): Store {
  const store = options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openSqlite(options);
  // Once: whoever opened the store closes it, and a test may pull it from under a running app.
  const close = store.close;
  let closing: Promise<void> | undefined;
  store.close = () => (closing ??= close());
  return store;
}

function openSqlite(options: StoreOptions): Store {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.dataDir, "earthid.sqlite");
  ownerOnly(file);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma("journal_mode = WAL");
  // NORMAL keeps every commit through a process crash (the WAL is in the OS page cache);
  // FULL also keeps it through a power loss, at one fsync per commit.
  sqlite.pragma(`synchronous = ${options.sqliteSynchronous ?? "NORMAL"}`);
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  // Erased rows (destroyed data keys) are overwritten, not left in free pages.
  sqlite.pragma("secure_delete = ON");
  // The pages that inserts touch (random UUID keys land all over their indexes) stay in memory;
  // SQLite's default is 2 MB.
  sqlite.pragma("cache_size = -65536");
  sqlite.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  const checkpointer = startCheckpointer(file, options.sqliteSynchronous ?? "NORMAL");
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  const store = withMigrations("sqlite", db, sqliteChangeSignal(sqlite));
  store.sqliteTransaction = (work) => db.transaction().execute(async () => work(sqlite));
  const close = store.close;
  store.close = async () => {
    await checkpointer.close();
    await close();
  };
  return store;
}

const STATEMENT_CACHE_LIMIT = 500;

/**
 * Kysely prepares every query it runs; parsing and planning the same SQL again each time is most of
 * a small query's cost. Statements are kept per SQL text and reused: safe because Kysely runs one
 * query at a time on the single SQLite connection, and SQLite re-prepares a statement by itself
 * when the schema changes under it. Past the limit the least recently used one goes (batch
 * statements take one text per row count; they must not flush the API's own statements).
 */
export function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(text) {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = sqlite.prepare(text);
        if (statements.size >= STATEMENT_CACHE_LIMIT) statements.delete(statements.keys().next().value!);
      } else {
        // A Map iterates in insertion order: re-inserting keeps the most recently used last.
        statements.delete(text);
      }
      statements.set(text, statement);
      return statement;
    },
    close: () => sqlite.close(),
  };
}

/**
 * Transactions take SQLite's write lock when they begin. A deferred one that reads and then writes
 * fails at once (SQLITE_BUSY_SNAPSHOT, no busy wait) if another process (the CLI, a second instance)
 * committed in between; an immediate one waits for its turn instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => void (await connection.executeQuery(CompiledQuery.raw("begin immediate")));
    return driver;
  }
}

function openPostgres(url: string, poolSize: number): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const store = withMigrations("postgres", db, postgresChangeSignal(url));
  store.postgresPrepared = async <R>(name: string, text: string, values: unknown[]) => {
    const result = await pool.query<R & pg.QueryResultRow>({ name, text, values });
    return result.rows;
  };
  return store;
}

function withMigrations(kind: StoreKind, db: Kysely<Database>, integrationChanges: ChangeSignal): Store {
  const migrator = new Migrator({ db, provider: migrationProvider(kind), migrationTableName: "earthid_migrations", migrationLockTableName: "earthid_migrations_lock" });
  return {
    kind,
    db,
    integrationChanges,
    async migrate() {
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === "Error")?.migrationName;
        throw new Error(`migration ${failed ?? "(unknown)"} failed: ${(error as Error).message}`);
      }
    },
    async pendingMigrations() {
      const known = await migrator.getMigrations();
      const applied = new Set(known.filter((m) => m.executedAt).map((m) => m.name));
      return migrationNames.filter((name) => !applied.has(name));
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await integrationChanges.close();
      await db.destroy();
    },
  };
}
