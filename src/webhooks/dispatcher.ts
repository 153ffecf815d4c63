import type { FastifyBaseLogger } from "fastify";
import { open } from "../crypto/sealing.js";
import type { BackgroundTask } from "../background.js";
import { commitBatcher } from "../store/commit-batcher.js";
import { type AttemptOutcome, type SendWebhook, isSuccess } from "./delivery.js";
import { payloadAad } from "./outbox.js";
import type { AttemptRecord, Claim, DeliveryRepo, DeliveryState } from "./repo.js";
import { type RetryPolicy, afterFailure } from "./retry.js";
import { webhookHeaders } from "./signing.js";

/** The integration's keys as they are when rows are claimed: a rotated secret signs every later claim. */
export interface SigningKeys {
  apiKey: string;
  secret: Buffer;
  active: boolean;
}

/** A claimed row waiting for a free slot, with its integration's keys (being) read. */
interface Waiting {
  claim: Claim;
  keys: Promise<SigningKeys | undefined>;
}

export interface DispatcherDeps {
  repo: Pick<DeliveryRepo, "claimDue" | "recordAttempts" | "release">;
  /** After each commit that wrote outbox rows. */
  onWake(listener: () => void): () => void;
  signingKeys(integrationId: string): Promise<SigningKeys | undefined>;
  masterKey: Buffer;
  send: SendWebhook;
  retry: RetryPolicy;
  /**
   * How long a claim holds a row: its wait for a slot (at most one attempt's timeout), its attempt
   * (one more) and a margin; the service uses three attempt timeouts.
   */
  leaseMs: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Looks for due retries and for rows other processes wrote. */
  pollMs: number;
  log: Pick<FastifyBaseLogger, "error" | "warn">;
  now?: () => number;
}

/**
 * Delivers the outbox. Claims due rows in small batches, keeping at most `concurrency` requests in
 * flight and as many claimed rows waiting for a slot (so that a free slot never waits for the
 * database), never more than twice `concurrency` rows in all; posts them outside any transaction;
 * records attempts in batches. Woken by commits in
 * this process, and polls for the rest. The lease of a claimed row covers its wait for a slot (at
 * most one attempt's timeout) and its own attempt. A process killed mid-delivery loses nothing:
 * its leases expire and the rows are claimed again (at least once; receivers dedupe on the
 * delivery id).
 */
export function webhookDispatcher(deps: DispatcherDeps): BackgroundTask & { idle(): Promise<void> } {
  const now = deps.now ?? Date.now;
  const waiting: Waiting[] = [];
  const sending = new Set<Promise<void>>();
  const recording = new Set<Promise<void>>();
  let stopped = true;
  let scheduled = false;
  let pumping: Promise<void> | undefined;
  // The last claim took all it asked for: there may be more due rows than were taken.
  let moreDue = false;
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  // Attempts that end together are recorded in one transaction.
  const recorder = commitBatcher<AttemptRecord>(async (records) => {
    for (const id of await deps.repo.recordAttempts(records)) deps.log.warn({ deliveryId: id }, "webhook lease expired before its attempt was recorded");
  });

  // Rows held at once: in flight, waiting for a slot, or sent and not yet recorded. A slow database
  // slows the claims down instead of letting unrecorded deliveries pile up.
  const room = () => 2 * deps.concurrency - sending.size - waiting.length - recording.size;

  const kick = () => {
    if (stopped || scheduled) return;
    scheduled = true;
    // Commits of one event-loop turn share one claim.
    setImmediate(() => {
      scheduled = false;
      if (!pumping) pumping = pump().finally(() => (pumping = undefined));
      else moreDue = true;
    });
  };

  async function pump(): Promise<void> {
    do {
      moreDue = false;
      const wanted = room();
      if (wanted <= 0) return void (moreDue = true);
      try {
        const at = now();
        const claims = await deps.repo.claimDue(wanted, at, at + deps.leaseMs);
        // The integration's keys are read once per claim: the secret of the moment of the claim.
        const keys = new Map<string, Promise<SigningKeys | undefined>>();
        for (const claim of claims) {
          const id = claim.row.integration_id;
          if (!keys.has(id)) keys.set(id, deps.signingKeys(id).catch(() => undefined));
          waiting.push({ claim, keys: keys.get(id)! });
        }
        if (claims.length === wanted) moreDue = true;
      } catch (error) {
        deps.log.error({ err: error }, "webhook claim failed");
        return;
      }
      startWhatFits();
    } while (moreDue && !stopped && room() > 0);
  }

  function startWhatFits() {
    while (sending.size < deps.concurrency && waiting.length > 0) {
      const next = waiting.shift()!;
      const sent = deliver(next).finally(() => {
        sending.delete(sent);
        startWhatFits();
        // Under a backlog, claim again once half the waiting rows have started.
        if (moreDue && !stopped && waiting.length <= deps.concurrency / 2) kick();
      });
      sending.add(sent);
    }
  }

  /** Resolves when the request is over; the attempt is recorded after, without holding the slot. */
  async function deliver({ claim, keys }: Waiting): Promise<void> {
    const attemptedAt = now();
    let outcome: AttemptOutcome;
    try {
      outcome = await attempt(claim, await keys, attemptedAt);
    } catch (error) {
      outcome = { statusCode: null, error: `internal: ${(error as Error).message}`, durationMs: 0 };
    }
    // Judged by when the attempt started: one that began before the deadline and failed after it
    // is followed by the promised last attempt at the deadline.
    const state: DeliveryState = isSuccess(outcome)
      ? { status: "delivered", deliveredAt: now() }
      : afterFailure(deps.retry, { createdAt: claim.row.created_at, attempts: claim.attempt }, attemptedAt);
    const recorded = recorder
      .enqueue({ claim, attempt: { number: claim.attempt, attemptedAt, ...outcome }, state })
      // The lease will expire and the row be tried again.
      .catch((error: unknown) => deps.log.error({ err: error, deliveryId: claim.row.id }, "recording a webhook attempt failed"))
      .finally(() => {
        recording.delete(recorded);
        if (moreDue && !stopped && waiting.length <= deps.concurrency / 2) kick();
      });
    recording.add(recorded);
  }

  async function attempt(claim: Claim, keys: SigningKeys | undefined, at: number): Promise<AttemptOutcome> {
    const { row } = claim;
    const fail = (error: string): AttemptOutcome => ({ statusCode: null, error, durationMs: 0 });
    if (row.payload_sealed === null) return fail("payload erased with the session's data");
    if (!keys) return fail("integration not found");
    if (!keys.active) return fail("integration is deactivated");
    const body = open(deps.masterKey, row.payload_sealed, payloadAad(row.id));
    const headers = webhookHeaders({ apiKey: keys.apiKey, integrationId: row.integration_id, secret: keys.secret, body, deliveryId: row.id, attempt: claim.attempt, at });
    return deps.send({ url: row.url, body, headers });
  }

  const settled = async () => {
    while (pumping || scheduled || sending.size > 0 || recording.size > 0) {
      await pumping;
      await Promise.all([...sending, ...recording]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  return {
    name: "webhook-dispatcher",
    start() {
      if (!stopped) return;
      stopped = false;
      unsubscribe = deps.onWake(kick);
      timer = setInterval(kick, deps.pollMs);
      timer.unref();
      kick();
    },
    /** Finishes the requests under way and records them; rows claimed but not started are released. */
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearInterval(timer);
      await pumping;
      const unstarted = waiting.splice(0).map((w) => w.claim);
      await settled();
      if (unstarted.length > 0) await deps.repo.release(unstarted).catch((error: unknown) => deps.log.error({ err: error }, "releasing webhook claims failed"));
    },
    /** Resolves once nothing is being claimed, sent or recorded (tests, benchmarks). */
    idle: settled,
  };
}
