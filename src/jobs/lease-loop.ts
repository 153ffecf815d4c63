import type { BackgroundTask } from "../background-task.js";

/** What an exchange asks to lease: up to `limit` rows due at `now`, until `claimedUntil` (the fence). */
export interface ClaimRequest {
  limit: number;
  now: number;
  claimedUntil: number;
}

export interface Exchanged<C> {
  claims: C[];
  /** Ids of recorded rows whose lease had passed to another runner: their record was not written. */
  lost: string[];
}

/** A claimed row's work, run when a slot is free; it resolves with the record the next exchange writes. */
export type Work<R> = () => Promise<R>;

export interface LeaseLoopDeps<C, R> {
  /** Names the loop in logs: "webhook", "job". */
  name: string;
  /** The log field of a row's id: "deliveryId", "jobId". */
  idKey: string;
  /**
   * Records the finished rows, each only while its lease still holds, and leases due rows, in one
   * commit (src/webhooks/repo.ts and src/jobs/repo.ts say how each store makes the claim exclusive).
   */
  exchange(records: readonly R[], claim: ClaimRequest): Promise<Exchanged<C>>;
  /** Gives back claimed rows never started (the loop stopping): due again at once. */
  release(claims: readonly C[]): Promise<void>;
  /** The work of each claim of one exchange, in order; read once per batch (the webhook's signing keys). */
  prepare(claims: readonly C[]): Work<R>[];
  /** A record's row id, for the logs. */
  recordId(record: R): string;
  /** Told of the records an exchange wrote (lost ones excluded), after it committed. */
  onRecorded?(records: readonly R[]): void;
  /** After each commit that wrote rows for this loop, in this process. */
  onWake(listener: () => void): () => void;
  /** How long a claim holds a row: its wait for a slot, its work, and a margin. */
  leaseMs: number;
  /** Works in progress at once. */
  concurrency: number;
  /** Looks for due retries and for rows other processes wrote. */
  pollMs: number;
  log: { error(details: object, message: string): void; warn(details: object, message: string): void };
  now?: () => number;
}

/** Records written by one exchange at most, so that an exchange stays a short transaction. */
const MAX_RECORDS = 256;

export type LeaseLoop = BackgroundTask & { idle(): Promise<void> };

/**
 * The one claiming loop of the service, shared by the webhook dispatcher and the job runners. Keeps
 * at most `concurrency` works in progress and as many claimed rows waiting for a slot (so that a
 * free slot never waits for the database), never more than twice `concurrency` rows leased in all,
 * the finished but not yet recorded included; works run outside any transaction. Talks to the store
 * in exchanges, one at a time: each records the works that ended since the last and leases as many
 * due rows as it frees, so that a backlog costs one round trip per batch. Woken by commits in this
 * process, and polls for the rest. A process killed mid-work loses nothing: its leases expire and
 * the rows are claimed again (at least once).
 */
export function leaseLoop<C, R>(deps: LeaseLoopDeps<C, R>): LeaseLoop {
  const now = deps.now ?? Date.now;
  const cap = 2 * deps.concurrency;
  const waiting: { claim: C; work: Work<R> }[] = [];
  const running = new Set<Promise<void>>();
  // Works over, to be recorded by the next exchange.
  const ended: R[] = [];
  // Rows leased to this loop: waiting, running, or ended and not yet recorded.
  let held = 0;
  let stopped = true;
  let scheduled = false;
  let exchanging: Promise<void> | undefined;
  // There may be due rows beyond those claimed: a commit woke us, the poll came, or the last claim
  // took all it asked for.
  let moreDue = false;
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const room = () => (stopped || !moreDue ? 0 : cap - held);
  const kick = () => {
    moreDue = true;
    schedule();
  };
  const schedule = () => {
    if (scheduled || exchanging || (ended.length === 0 && room() <= 0)) return;
    scheduled = true;
    // What ends or is committed in one event-loop turn shares one exchange.
    setImmediate(() => {
      scheduled = false;
      exchanging = exchange().finally(() => {
        exchanging = undefined;
        schedule();
      });
    });
  };

  async function exchange(): Promise<void> {
    const records = ended.splice(0, MAX_RECORDS);
    // The rows being recorded are given back by the same commit that takes the new ones.
    const limit = stopped || !moreDue ? 0 : cap - held + records.length;
    if (records.length === 0 && limit === 0) return;
    moreDue = false;
    const at = now();
    let claims: C[] = [];
    try {
      const result = await deps.exchange(records, { limit, now: at, claimedUntil: at + deps.leaseMs });
      for (const id of result.lost) deps.log.warn({ [deps.idKey]: id }, `${deps.name} lease expired before its work was recorded`);
      claims = result.claims;
      if (limit > 0 && claims.length === limit) moreDue = true;
      if (deps.onRecorded && records.length > 0) {
        const lost = new Set(result.lost);
        notify(records.filter((record) => !lost.has(deps.recordId(record))));
      }
    } catch (error) {
      // Their leases will expire and the rows be taken again.
      deps.log.error({ err: error, [`${deps.idKey}s`]: records.map(deps.recordId) }, `${deps.name} exchange with the store failed`);
    }
    held += claims.length - records.length;
    const works = deps.prepare(claims);
    claims.forEach((claim, i) => waiting.push({ claim, work: works[i]! }));
    startWhatFits();
  }

  function notify(records: readonly R[]) {
    try {
      deps.onRecorded?.(records);
    } catch (error) {
      deps.log.error({ err: error }, `a listener of recorded ${deps.name}s failed`);
    }
  }

  function startWhatFits() {
    while (!stopped && running.size < deps.concurrency && waiting.length > 0) {
      const { work } = waiting.shift()!;
      const done = work()
        .then((record) => void ended.push(record))
        // A work that throws has no record: its lease expires and the row is taken again.
        .catch((error: unknown) => deps.log.error({ err: error }, `${deps.name} work failed without a record`))
        .finally(() => {
          running.delete(done);
          startWhatFits();
          schedule();
        });
      running.add(done);
    }
  }

  const settled = async () => {
    while (exchanging || scheduled || running.size > 0 || ended.length > 0) {
      await exchanging;
      await Promise.all(running);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  return {
    name: `${deps.name}-lease-loop`,
    start() {
      if (!stopped) return;
      stopped = false;
      unsubscribe = deps.onWake(kick);
      timer = setInterval(kick, deps.pollMs);
      timer.unref();
      kick();
    },
    /** Finishes the works under way and records them; rows claimed but not started are released. */
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearInterval(timer);
      await exchanging;
      const unstarted = waiting.splice(0).map((w) => w.claim);
      held -= unstarted.length;
      await settled();
      if (unstarted.length > 0) await deps.release(unstarted).catch((error: unknown) => deps.log.error({ err: error }, `releasing ${deps.name} claims failed`));
    },
    /** Resolves once nothing is being claimed, worked on or recorded (tests, benchmarks). */
    idle: settled,
  };
}
