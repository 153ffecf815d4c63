import type { Kysely, Selectable } from "kysely";
import type { Statement as SqliteStatement } from "better-sqlite3";
import type { Store } from "../store/db.js";
import type { PreparedPostgres, RawSqliteTransaction } from "../store/dialect.js";
import type { Database, JobStatus, JobsTable } from "../store/schema.js";
import type { ClaimRequest, Exchanged } from "./lease-loop.js";

export type JobRow = Selectable<JobsTable>;

/** A job leased to one runner: `claimedUntil` is its lease, the fence of its record. */
export interface JobClaim {
  row: JobRow;
  claimedUntil: number;
}

/** What came of one run: done, due again at `runAt`, or failed for good. */
export type JobOutcome = { status: "done" } | { status: "pending"; runAt: number; error: string } | { status: "failed"; error: string };

export interface JobRecord {
  claim: JobClaim;
  outcome: JobOutcome;
  finishedAt: number;
}

/** A claim takes jobs of one kind (a runner per kind): equality on the kind lets the index give the order too. */
export type JobClaimRequest = ClaimRequest & { kind: string };

const valuesOf = ({ claim, outcome, finishedAt }: JobRecord) => ({
  id: claim.row.id,
  claimedUntil: claim.claimedUntil,
  status: outcome.status,
  runAt: outcome.status === "pending" ? outcome.runAt : null,
  error: outcome.status === "done" ? null : outcome.error,
  finishedAt: outcome.status === "pending" ? null : finishedAt,
});

/** Every column, named (as in src/webhooks/repo.ts): a column added later cannot change a held plan's result. */
const JOB_COLUMNS = Object.keys({
  id: true, kind: true, subject: true, payload: true, status: true, attempts: true, run_at: true, claimed_until: true, last_error: true, created_at: true, finished_at: true,
} satisfies Record<keyof JobRow, true>);

/**
 * The claim takes jobs due at `now` whose lease is free: pending ones, and running ones whose runner
 * died (its lease passed). The `status in (…)` text is the partial index's own (migration 0007), so
 * that both stores use it for the filter and the order.
 */
const DUE = `status in ('pending', 'running') and run_at <= $now and (claimed_until is null or claimed_until <= $now)`;

/**
 * PostgreSQL: one statement of fixed text, prepared once per connection, as the webhook exchange
 * (src/webhooks/repo.ts). Records, each fenced by its own lease, and claims with `for update skip
 * locked`, so that runners in other processes skip the rows being claimed instead of waiting. It
 * commits with the default synchronous_commit: a job's record is not re-done cheaply as a webhook is.
 */
const POSTGRES_EXCHANGE = `
  with v as (
    select * from unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::bigint[])
      as v(id, claimed_until, status, run_at, error, finished_at)
  ),
  recorded as (
    update jobs set
      status = v.status, claimed_until = null, run_at = coalesce(v.run_at, jobs.run_at),
      last_error = coalesce(v.error, jobs.last_error), finished_at = v.finished_at
    from v
    where jobs.id = v.id and jobs.claimed_until = v.claimed_until
    returning jobs.id
  ),
  due as (
    select id from jobs
    where kind = $8 and ${DUE.replaceAll("$now", "$7")} and id not in (select id from v)
    order by run_at limit $9
    for update skip locked
  ),
  claimed as (
    update jobs set status = 'running', claimed_until = $10, attempts = jobs.attempts + 1
    from due where jobs.id = due.id
    returning ${JOB_COLUMNS.map((c) => `jobs.${c}`).join(", ")}
  )
  select claimed.*, lost.ids as lost
  from (select array_agg(id) as ids from v where id not in (select id from recorded)) as lost left join claimed on true`;

function postgresExchange(prepared: PreparedPostgres) {
  return async (records: readonly JobRecord[], claim: JobClaimRequest) => {
    const values = records.map(valuesOf);
    const column = <K extends keyof ReturnType<typeof valuesOf>>(key: K) => values.map((value) => value[key]);
    const parameters = [
      column("id"), column("claimedUntil"), column("status"), column("runAt"), column("error"), column("finishedAt"),
      claim.now, claim.kind, claim.limit, claim.claimedUntil,
    ];
    const rows = await prepared<JobRow & { lost: string[] | null }>("earthid_job_exchange", POSTGRES_EXCHANGE, parameters);
    return { rows: rows.filter((row) => row.id !== null), lost: rows[0]?.lost ?? [] };
  };
}

/** SQLite: statements of fixed text on the raw connection, in one transaction whose write lock makes the claim exclusive. */
const SQLITE_RECORD = `update jobs set
    status = ?, claimed_until = null, run_at = coalesce(?, run_at), last_error = coalesce(?, last_error), finished_at = ?
  where id = ? and claimed_until = ?`;
const SQLITE_CLAIM = `update jobs set status = 'running', claimed_until = ?, attempts = attempts + 1
  where id in (
    select id from jobs
    where kind = ? and ${DUE.replaceAll("$now", "?")}
      and id not in (select value from json_each(?))
    order by run_at limit ?)
  returning *`;

function sqliteExchange(transaction: RawSqliteTransaction) {
  let statements: Record<"record" | "claim", SqliteStatement> | undefined;
  return (records: readonly JobRecord[], claim: JobClaimRequest) =>
    transaction((sqlite) => {
      statements ??= { record: sqlite.prepare(SQLITE_RECORD), claim: sqlite.prepare(SQLITE_CLAIM) };
      const lost: string[] = [];
      for (const record of records) {
        const v = valuesOf(record);
        if (statements.record.run(v.status, v.runAt, v.error, v.finishedAt, v.id, v.claimedUntil).changes === 0) lost.push(v.id);
      }
      const recorded = JSON.stringify(records.map((r) => r.claim.row.id));
      const { now, limit, claimedUntil, kind } = claim;
      const rows = limit > 0 ? (statements.claim.all(claimedUntil, kind, now, now, recorded, limit) as JobRow[]) : [];
      return { rows, lost };
    });
}

export interface NewJobRow {
  id: string;
  kind: string;
  subject: string | null;
  payload: string;
  runAt: number;
  createdAt: number;
}

export interface JobFilter {
  status?: JobStatus | undefined;
  kind?: string | undefined;
  limit: number;
}

/** The SQL of the jobs table: enqueueing, the runners' exchanges, the CLI's listing and retry, retention. */
export function jobRepo({ db, dialect }: Pick<Store, "db" | "dialect">) {
  const exchangeWithStore = dialect.fixedStatements({ sqlite: sqliteExchange, postgres: postgresExchange });
  return {
    async insert(trx: Kysely<Database>, job: NewJobRow): Promise<void> {
      await trx
        .insertInto("jobs")
        .values({ id: job.id, kind: job.kind, subject: job.subject, payload: job.payload, status: "pending", attempts: 0, run_at: job.runAt, claimed_until: null, last_error: null, created_at: job.createdAt, finished_at: null })
        .execute();
    },

    /**
     * One exchange between a runner and the store: records the runs it finished, each only while
     * its lease is still its own (a lease that passed to another runner comes back in `lost`), then
     * leases up to `claim.limit` due jobs of `claim.kind`, counting their run now. One commit.
     */
    async exchange(records: readonly JobRecord[], claim: JobClaimRequest): Promise<Exchanged<JobClaim>> {
      if (records.length === 0 && claim.limit <= 0) return { claims: [], lost: [] };
      const { rows, lost } = await exchangeWithStore(records, claim);
      return { claims: rows.map((row) => ({ row, claimedUntil: claim.claimedUntil })), lost };
    },

    /** Gives back claimed jobs never started (a runner stopping): due again at once, the run not counted. */
    async release(claims: readonly JobClaim[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        for (const claim of claims) {
          await trx
            .updateTable("jobs")
            .set((eb) => ({ status: "pending", claimed_until: null, attempts: eb("attempts", "-", 1) }))
            .where("id", "=", claim.row.id)
            .where("claimed_until", "=", claim.claimedUntil)
            .execute();
        }
      });
    },

    async find(id: string): Promise<JobRow | undefined> {
      return db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    },

    /** Newest first. */
    async list(filter: JobFilter): Promise<JobRow[]> {
      let query = db.selectFrom("jobs").selectAll();
      if (filter.status !== undefined) query = query.where("status", "=", filter.status);
      if (filter.kind !== undefined) query = query.where("kind", "=", filter.kind);
      return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.limit).execute();
    },

    /** Jobs of a subject not finished yet. */
    async unfinished(subject: string): Promise<number> {
      const row = await db.selectFrom("jobs").select((eb) => eb.fn.countAll<number>().as("n")).where("subject", "=", subject).where("status", "in", ["pending", "running"]).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** A job not running (a lease holds it) due again now, with fresh attempts. */
    async retry(id: string, now: number): Promise<JobRow | undefined> {
      await db
        .updateTable("jobs")
        .set({ status: "pending", attempts: 0, run_at: now, claimed_until: null, finished_at: null })
        .where("id", "=", id)
        .where("status", "!=", "running")
        .execute();
      return db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    },

    /** Inside an erasure: the subject's jobs go with its data. */
    async deleteOfSubject(trx: Kysely<Database>, subject: string): Promise<number> {
      const result = await trx.deleteFrom("jobs").where("subject", "=", subject).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Done jobs finished before `before`; failed ones stay, for the operator to look at or retry. */
    async deleteDoneBefore(before: number, batch: number): Promise<number> {
      const old = db.selectFrom("jobs").select("id").where("status", "=", "done").where("finished_at", "<", before).limit(batch);
      const result = await db.deleteFrom("jobs").where("id", "in", old).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type JobRepo = ReturnType<typeof jobRepo>;
