import type { FastifyBaseLogger } from "fastify";
import { open } from "../crypto/sealing.js";
import type { BackgroundTask } from "../background.js";
import { type AttemptOutcome, type SendWebhook, isSuccess } from "./delivery.js";
import { payloadAad } from "./outbox.js";
import type { Claim, DeliveryRepo, DeliveryState } from "./repo.js";
import { type RetryPolicy, afterFailure } from "./retry.js";
import { webhookHeaders } from "./signing.js";

/** The integration's keys as they are now: a rotated secret signs every attempt after the rotation. */
export interface SigningKeys {
  apiKey: string;
  secret: Buffer;
  active: boolean;
}

export interface DispatcherDeps {
  repo: Pick<DeliveryRepo, "claimDue" | "recordAttempt">;
  /** After each commit that wrote outbox rows. */
  onWake(listener: () => void): () => void;
  signingKeys(integrationId: string): Promise<SigningKeys | undefined>;
  masterKey: Buffer;
  send: SendWebhook;
  retry: RetryPolicy;
  /** Longest a claimed row may take (the attempt's timeout plus a margin) before another may take it. */
  leaseMs: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Looks for due retries and for rows other processes wrote. */
  pollMs: number;
  log: Pick<FastifyBaseLogger, "error" | "warn">;
  now?: () => number;
}

/**
 * Delivers the outbox. Claims due rows in small batches (never more than there are free delivery
 * slots, so a claimed row is sent at once and its lease only has to cover one attempt), posts them
 * outside any transaction, and records each attempt. Woken by commits in this process, and polls
 * for the rest. A process killed mid-delivery loses nothing: its leases expire and the rows are
 * claimed again (at least once; receivers dedupe on the delivery id).
 */
export function webhookDispatcher(deps: DispatcherDeps): BackgroundTask & { idle(): Promise<void> } {
  const now = deps.now ?? Date.now;
  const inFlight = new Set<Promise<void>>();
  let stopped = true;
  let scheduled = false;
  let pumping: Promise<void> | undefined;
  // The last claim filled every free slot: there may be more due rows than were taken.
  let moreDue = false;
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

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
      const free = deps.concurrency - inFlight.size;
      if (free <= 0) return void (moreDue = true);
      let claims: Claim[];
      try {
        const at = now();
        claims = await deps.repo.claimDue(free, at, at + deps.leaseMs);
      } catch (error) {
        deps.log.error({ err: error }, "webhook claim failed");
        return;
      }
      for (const claim of claims) track(deliver(claim));
      if (claims.length === free) moreDue = true;
    } while (moreDue && !stopped && inFlight.size < deps.concurrency);
  }

  function track(work: Promise<void>) {
    const entry = work.finally(() => {
      inFlight.delete(entry);
      if (moreDue) kick();
    });
    inFlight.add(entry);
  }

  async function deliver(claim: Claim): Promise<void> {
    const { row } = claim;
    const attemptedAt = now();
    let outcome: AttemptOutcome;
    try {
      outcome = await attempt(claim, attemptedAt);
    } catch (error) {
      outcome = { statusCode: null, error: `internal: ${(error as Error).message}`, durationMs: 0 };
    }
    const state: DeliveryState = isSuccess(outcome)
      ? { status: "delivered", deliveredAt: now() }
      : afterFailure(deps.retry, { createdAt: row.created_at, attempts: claim.attempt }, now());
    try {
      const kept = await deps.repo.recordAttempt(claim, { number: claim.attempt, attemptedAt, ...outcome }, state);
      if (!kept) deps.log.warn({ deliveryId: row.id }, "webhook lease expired before its attempt was recorded");
    } catch (error) {
      // The lease will expire and the row be tried again.
      deps.log.error({ err: error, deliveryId: row.id }, "recording a webhook attempt failed");
    }
  }

  async function attempt(claim: Claim, at: number): Promise<AttemptOutcome> {
    const { row } = claim;
    const fail = (error: string): AttemptOutcome => ({ statusCode: null, error, durationMs: 0 });
    if (row.payload_sealed === null) return fail("payload erased with the session's data");
    const keys = await deps.signingKeys(row.integration_id);
    if (!keys) return fail("integration not found");
    if (!keys.active) return fail("integration is deactivated");
    const body = open(deps.masterKey, row.payload_sealed, payloadAad(row.id));
    const headers = webhookHeaders({ apiKey: keys.apiKey, integrationId: row.integration_id, secret: keys.secret, body, deliveryId: row.id, attempt: claim.attempt, at });
    return deps.send({ url: row.url, body, headers });
  }

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
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearInterval(timer);
      await pumping;
      await Promise.all(inFlight);
    },
    /** Resolves once nothing is being claimed or delivered (tests, benchmarks, shutdown). */
    async idle() {
      while (pumping || inFlight.size > 0 || scheduled) {
        await pumping;
        await Promise.all(inFlight);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}
