import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";

/**
 * Whether rows may have been changed by another process (the CLI, another instance) since the last
 * call. Caches of those rows ask before every use, so a rotated secret or a deactivated key stops
 * working at once, everywhere.
 */
export interface ChangeSignal {
  changedSinceLastCheck(): boolean;
  close(): Promise<void>;
}

/**
 * SQLite bumps `data_version` whenever another connection commits to the file. Reading it takes the
 * WAL's shared lock (system calls), so it is read once per turn of the event loop: requests handled
 * in the same turn share the answer, and a change committed elsewhere is seen by the next turn,
 * within about a millisecond, as PostgreSQL's NOTIFY is.
 */
export function sqliteChangeSignal(sqlite: BetterSqlite3.Database): ChangeSignal {
  const read = sqlite.prepare("PRAGMA data_version").pluck();
  let last = read.get();
  let readThisTurn = false;
  const nextTurn = () => {
    readThisTurn = false;
  };
  return {
    changedSinceLastCheck() {
      // The first caller of a turn already acted on a change (emptied its cache).
      if (readThisTurn) return false;
      readThisTurn = true;
      setImmediate(nextTurn);
      const now = read.get();
      if (now === last) return false;
      last = now;
      return true;
    },
    async close() {},
  };
}

export const INTEGRATIONS_CHANNEL = "earthid_integrations";

/**
 * PostgreSQL: LISTEN on a channel that writers NOTIFY in the changing transaction. While the
 * listening connection is down every check answers "changed", so the cache is bypassed rather than
 * trusted blindly; it reconnects with a growing delay.
 */
export function postgresChangeSignal(url: string): ChangeSignal {
  let changed = true;
  let listening = false;
  let closed = false;
  let client: pg.Client | undefined;
  let delay = 100;

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: url });
    next.on("notification", () => {
      changed = true;
    });
    next.on("error", () => {
      listening = false;
      retry();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${INTEGRATIONS_CHANNEL}`);
      if (closed) return void (await next.end());
      client = next;
      listening = true;
      changed = true;
      delay = 100;
    } catch {
      listening = false;
      await next.end().catch(() => {});
      retry();
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, 5000);
  };
  void connect();

  return {
    changedSinceLastCheck() {
      if (!listening) return true;
      if (!changed) return false;
      changed = false;
      return true;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
