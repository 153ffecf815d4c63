import type { Kysely } from "kysely";
import { newRowId } from "../store/ids.js";
import type { Database, JobStatus } from "../store/schema.js";
import type { JobFilter, JobRepo, JobRow } from "./repo.js";

/** A job as its handler sees it. */
export interface Job<P = unknown> {
  id: string;
  kind: string;
  subject: string | null;
  payload: P;
  /** This run's number: 1 for the first. */
  attempt: number;
  createdAt: number;
}

/** What a kind's runner calls: `run` for each attempt; `giveUp` once, after the last one failed. */
export interface JobHandler<P = unknown> {
  run(job: Job<P>): Promise<void>;
  giveUp(job: Job<P>, error: string): Promise<void>;
}

export interface NewJob {
  kind: string;
  /** The session it concerns: erasing the session removes the job. */
  subject: string | null;
  /** Ids, never personal data. */
  payload: unknown;
}

/** A job's run as recorded, for whoever waits on it (metrics, tests, the CLI). */
export interface EndedJob {
  id: string;
  kind: string;
  subject: string | null;
  status: JobStatus;
}

export const jobOf = (row: JobRow): Job => ({
  id: row.id,
  kind: row.kind,
  subject: row.subject,
  payload: JSON.parse(row.payload) as unknown,
  attempt: row.attempts,
  createdAt: row.created_at,
});

/**
 * The job queue: a job is written in the transaction that causes it (so a committed change always
 * has its job and a rolled-back one never does), then run by the runner of its kind (runner.ts).
 */
export function jobQueue({ repo, now = Date.now }: { repo: JobRepo; now?: () => number }) {
  const wakeListeners = new Set<() => void>();
  const endListeners = new Set<(job: EndedJob) => void>();
  const subscribe = <T>(set: Set<T>, listener: T) => {
    set.add(listener);
    return () => void set.delete(listener);
  };
  return {
    async enqueue(trx: Kysely<Database>, job: NewJob): Promise<string> {
      const at = now();
      const id = newRowId(at);
      await repo.insert(trx, { id, kind: job.kind, subject: job.subject, payload: JSON.stringify(job.payload), runAt: at, createdAt: at });
      return id;
    },
    /** Called after the enqueuing transaction committed: a runner in this process starts at once. */
    wake(): void {
      for (const listener of wakeListeners) listener();
    },
    onWake: (listener: () => void) => subscribe(wakeListeners, listener),
    /** The runners in this process report each recorded run here. */
    ended(jobs: readonly EndedJob[]): void {
      for (const job of jobs) for (const listener of endListeners) listener(job);
    },
    onEnded: (listener: (job: EndedJob) => void) => subscribe(endListeners, listener),
    /**
     * Resolves once `subject` has no job pending or running (in any process: the store is asked
     * once, then the runs of this process are watched).
     */
    async settled(subject: string): Promise<void> {
      await new Promise<void>((resolve, reject) => {
        const check = () => repo.unfinished(subject).then((n) => {
          if (n === 0) {
            off();
            resolve();
          }
        }, reject);
        const off = subscribe(endListeners, (job: EndedJob) => void (job.subject === subject && check()));
        check();
      });
    },
    list: (filter: JobFilter) => repo.list(filter),
    find: (id: string) => repo.find(id),
    /** Due again now, attempts counted afresh; a running job (its lease holds) is left as it is. */
    retry: (id: string) => repo.retry(id, now()),
    /** Inside an erasure's transaction. */
    forgetSubject: (trx: Kysely<Database>, subject: string) => repo.deleteOfSubject(trx, subject),
    /** Removes done jobs finished before `before`, a batch at a time; returns how many. */
    async purgeDone(before: number, batch = 1000): Promise<number> {
      let removed = 0;
      for (;;) {
        const n = await repo.deleteDoneBefore(before, batch);
        removed += n;
        if (n < batch) return removed;
      }
    },
  };
}

export type JobQueue = ReturnType<typeof jobQueue>;
