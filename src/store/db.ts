import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { CompiledQuery, type Driver, Kysely, type KyselyConfig, Migrator, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase, sql } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";
import { migrationNames, migrationProvider } from "./migrations.js";
import { type ChangeSignal, postgresChangeSignal, sqliteChangeSignal } from "./change-signal.js";
import { WRITER_AUTOCHECKPOINT_PAGES, startCheckpointer } from "./checkpointer.js";
import { type Dialect, postgresDialect, sqliteDialect } from "./dialect.js";
import { startOptimizer } from "./optimizer.js";

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
  /** What the two stores do differently, for the repositories (dialect.ts). */
  dialect: Dialect;
}

export interface StoreOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  sqliteSynchronous?: "NORMAL" | "FULL";
  /** PostgreSQL pool size. */
  poolSize?: number;
  /**
   * Told the text and values of every statement the store runs, raw ones included (a statement
   * prepared once on a raw connection is told once, when prepared, with no values): for a log or
   * for checking plans (test/store/plans.test.ts). Unset, nothing is observed and nothing costs.
   */
  onStatement?: StatementObserver;
}

export type StatementObserver = (text: string, values: readonly unknown[]) => void;

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
  const store = options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10, options.onStatement) : openSqlite(options);
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
  const optimizer = startOptimizer(sqlite);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }), log: logTo(options.onStatement) });
  const raw = options.onStatement ? observedPrepare(sqlite, options.onStatement) : sqlite;
  const store = withMigrations("sqlite", db, sqliteChangeSignal(sqlite), sqliteDialect(raw, db));
  const close = store.close;
  store.close = async () => {
    await checkpointer.close();
    optimizer.close();
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

/**
 * Every connection plans without bitmap scans. A bitmap scan returns rows in table order, so a page
 * (`order by created_at desc, id desc limit 50`) read through one is sorted afterwards. Without
 * statistics (autovacuum off, or just after a bulk load) PostgreSQL guesses 0.5% of the rows per
 * equality, finds that sorting so few is cheap, and then sorts a whole integration: 3.5 → 125 ms
 * at 200,000 sessions in issue 16's measurements. Our indexes give every statement its filter and
 * its order (migration 0011, test/store/plans.test.ts), and a plain index scan of one reads the page
 * and stops, whatever the statistics say. Nothing here needs a bitmap (no OR of indexes). Behind
 * PgBouncer in transaction mode a session setting may not follow the connection: plans then fall
 * back to the statistics, which autovacuum keeps.
 */
export const POSTGRES_SESSION_SETTINGS = "set enable_bitmapscan = off";

/** Kysely's query log, when someone observes statements; none otherwise (Kysely then skips the timing too). */
const logTo = (observe: StatementObserver | undefined): KyselyConfig["log"] =>
  observe &&
  ((event) => {
    if (event.level === "query") observe(event.query.sql, event.query.parameters);
  });

/** The raw connection, telling `observe` each text it prepares (the dialect's fixed statements). */
function observedPrepare(sqlite: SqliteDatabase.Database, observe: StatementObserver): SqliteDatabase.Database {
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === "prepare") {
        return (text: string) => {
          observe(text, []);
          return target.prepare(text);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function openPostgres(url: string, poolSize: number, onStatement: StatementObserver | undefined): Store {
  // onConnect: awaited before the pool hands the new connection out for anything.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, onConnect: async (client) => void (await client.query(POSTGRES_SESSION_SETTINGS)) });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: logTo(onStatement) });
  const dialect = postgresDialect(pool);
  if (onStatement) {
    const fixedStatements = dialect.fixedStatements;
    dialect.fixedStatements = (ways) =>
      fixedStatements({ ...ways, postgres: (prepared) => ways.postgres((name, text, values) => (onStatement(text, values), prepared(name, text, values))) });
  }
  return withMigrations("postgres", db, postgresChangeSignal(url), dialect);
}

function withMigrations(kind: StoreKind, db: Kysely<Database>, integrationChanges: ChangeSignal, dialect: Dialect): Store {
  const migrator = new Migrator({ db, provider: migrationProvider(kind), migrationTableName: "earthid_migrations", migrationLockTableName: "earthid_migrations_lock" });
  return {
    kind,
    db,
    dialect,
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
