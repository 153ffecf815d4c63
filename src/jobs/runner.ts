import type { BackgroundTask } from "../background-task.js";
import { leaseLoop } from "./lease-loop.js";
import type { JobClaim, JobOutcome, JobRecord, JobRepo } from "./repo.js";
import { type JobHandler, type JobQueue, jobOf } from "./service.js";

/** One kind of job as an instance runs it; registered in the composition root (src/app/compose.ts). */
export interface JobKind {
  kind: string;
  handler: JobHandler<any>;
  /** Runs of this kind at once in this instance; 0: this instance claims none. */
  concurrency: number;
  /** Longer than a run can take: past it, the job is taken again by any runner. */
  leaseMs: number;
  /**
   * Resolves when this instance can run the kind (the engine's models loaded): nothing is claimed
   * before, or a claim's lease would run out while it waits. Rejects: this instance claims none.
   */
  ready?: () => Promise<void>;
}

/** Runs of a job at most; after the last failure its kind's `giveUp` decides what becomes of it. */
export const MAX_JOB_ATTEMPTS = 3;
/** Delay after the 1st, 2nd, … failure (the last repeats): a moment for whatever failed to come back. */
export const JOB_RETRY_DELAYS_MS = [5_000, 30_000, 120_000] as const;

export interface RunnerDeps {
  repo: Pick<JobRepo, "exchange" | "release">;
  queue: Pick<JobQueue, "onWake" | "ended">;
  kinds: readonly JobKind[];
  pollMs: number;
  retryDelaysMs?: readonly number[];
  log: { error(details: object, message: string): void; warn(details: object, message: string): void };
  now?: () => number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The job runners of one instance: one claiming loop per kind (src/jobs/lease-loop.ts, the webhook
 * dispatcher's own), each claiming only its kind, as many at once as the kind's concurrency. A run
 * that throws is tried again after a delay; the third failure calls the kind's `giveUp` and the job
 * ends `failed`. A job whose runner died is taken again when its lease passes, and that run counts:
 * a job that kills its runner every time is given up too.
 */
export function jobRunner(deps: RunnerDeps): BackgroundTask & { idle(): Promise<void> } {
  const now = deps.now ?? Date.now;
  const delays = deps.retryDelaysMs ?? JOB_RETRY_DELAYS_MS;
  const retryAt = (attempt: number) => now() + (delays[Math.min(Math.max(attempt, 1), delays.length) - 1] ?? 0);

  function runOf({ kind, handler }: JobKind) {
    return async (claim: JobClaim): Promise<JobRecord> => {
      const record = (outcome: JobOutcome): JobRecord => ({ claim, outcome, finishedAt: now() });
      const job = jobOf(claim.row);
      const ids = { jobId: job.id, kind, attempt: job.attempt };
      let error: string;
      if (job.attempt <= MAX_JOB_ATTEMPTS) {
        try {
          await handler.run(job);
          return record({ status: "done" });
        } catch (thrown) {
          error = messageOf(thrown);
        }
        if (job.attempt < MAX_JOB_ATTEMPTS) {
          const runAt = retryAt(job.attempt);
          deps.log.warn({ ...ids, error, nextAttemptAt: new Date(runAt).toISOString() }, "job failed; it will be tried again");
          return record({ status: "pending", runAt, error });
        }
      } else {
        error = claim.row.last_error ?? "its runner stopped before finishing it";
      }
      try {
        await handler.giveUp(job, error);
      } catch (thrown) {
        // Giving up is tried again at the next claim, which finds the attempts spent.
        const runAt = retryAt(job.attempt);
        deps.log.error({ ...ids, error: messageOf(thrown) }, "giving up a job failed; it will be tried again");
        return record({ status: "pending", runAt, error });
      }
      deps.log.warn({ ...ids, error }, "job failed for good and was given up");
      return record({ status: "failed", error });
    };
  }

  let stopped = false;
  const loops = deps.kinds
    .filter((kind) => kind.concurrency > 0)
    .map((kind) => {
      const run = runOf(kind);
      const loop = leaseLoop<JobClaim, JobRecord>({
        name: "job",
        idKey: "jobId",
        exchange: (records, claim) => deps.repo.exchange(records, { ...claim, kind: kind.kind }),
        release: (claims) => deps.repo.release(claims),
        prepare: (claims) => claims.map((claim) => () => run(claim)),
        recordId: (record) => record.claim.row.id,
        onRecorded: (records) =>
          deps.queue.ended(records.map(({ claim: { row }, outcome }) => ({ id: row.id, kind: row.kind, subject: row.subject, status: outcome.status }))),
        onWake: deps.queue.onWake,
        leaseMs: kind.leaseMs,
        concurrency: kind.concurrency,
        pollMs: deps.pollMs,
        log: deps.log,
        now,
      });
      return { kind, loop };
    });

  function startWhenReady({ kind, loop }: (typeof loops)[number]) {
    if (!kind.ready) return loop.start();
    kind.ready().then(
      () => void (stopped || loop.start()),
      (error: unknown) => deps.log.error({ err: error, kind: kind.kind }, "this instance cannot run these jobs; it claims none and leaves them to other instances"),
    );
  }

  return {
    name: "job-runner",
    start() {
      stopped = false;
      loops.forEach(startWhenReady);
    },
    async stop() {
      stopped = true;
      await Promise.all(loops.map(({ loop }) => loop.stop()));
    },
    idle: async () => void (await Promise.all(loops.map(({ loop }) => loop.idle()))),
  };
}
