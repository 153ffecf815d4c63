import type { Keyring } from "../crypto/keyring.js";
import type { FastifyBaseLogger } from "fastify";
import { open } from "../crypto/sealing.js";
import { type LeaseLoop, leaseLoop } from "../jobs/lease-loop.js";
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

/** What came of one attempt, as monitoring counts it. */
export const ATTEMPT_OUTCOMES = ["delivered", "failed_retrying", "gave_up"] as const;
export type AttemptOutcomeKind = (typeof ATTEMPT_OUTCOMES)[number];

export interface EndedAttempt {
  /** The delivery's kind: "event" or "decision". */
  kind: string;
  outcome: AttemptOutcomeKind;
  durationMs: number;
}

const outcomeOfState = { delivered: "delivered", pending: "failed_retrying", failed: "gave_up" } as const satisfies Record<DeliveryState["status"], AttemptOutcomeKind>;

export interface DispatcherDeps {
  repo: Pick<DeliveryRepo, "exchange" | "release">;
  /** After each commit that wrote outbox rows. */
  onWake(listener: () => void): () => void;
  signingKeys(integrationId: string): Promise<SigningKeys | undefined>;
  masterKey: Keyring;
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
  /** Told of every attempt as it ends (metrics); whoever assembles the service passes it. */
  onAttemptEnded?(attempt: EndedAttempt): void;
  now?: () => number;
}

/**
 * Delivers the outbox through the shared claiming loop (src/jobs/lease-loop.ts): at most
 * `concurrency` requests in flight, posted outside any transaction, each attempt recorded by the
 * next exchange under its row's lease. The lease of a claimed row covers its wait for a slot (at
 * most one attempt's timeout) and its own attempt. A process killed mid-delivery loses nothing: its
 * leases expire and the rows are claimed again (at least once; receivers dedupe on the delivery id).
 */
export function webhookDispatcher(deps: DispatcherDeps): LeaseLoop {
  const now = deps.now ?? Date.now;

  /** Resolves when the request is over; the attempt is recorded by the next exchange, off the slot. */
  async function deliver(claim: Claim, keys: Promise<SigningKeys | undefined>): Promise<AttemptRecord> {
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
      : afterFailure(deps.retry, { createdAt: claim.row.created_at, attempts: claim.attempt }, { at: attemptedAt, statusCode: outcome.statusCode });
    if (state.status !== "delivered") logFailure(claim, outcome, state);
    try {
      deps.onAttemptEnded?.({ kind: claim.row.kind, outcome: outcomeOfState[state.status], durationMs: outcome.durationMs });
    } catch (error) {
      // Monitoring never stops a delivery; the attempt is recorded all the same.
      deps.log.error({ err: error, deliveryId: claim.row.id }, "reporting a webhook attempt failed");
    }
    return { claim, attempt: { number: claim.attempt, attemptedAt, ...outcome }, state };
  }

  /**
   * A failed attempt is a warning in the server log, and giving up an error: an integrator whose
   * receiver refuses, or that cannot be reached, learns why from the log. Ids and the reason only:
   * never the body, the URL (it may carry a token) or a header.
   */
  function logFailure({ row, attempt }: Claim, outcome: AttemptOutcome, state: Exclude<DeliveryState, { status: "delivered" }>) {
    const details = { deliveryId: row.id, sessionId: row.session_id, integrationId: row.integration_id, kind: row.kind, attempt, reason: outcome.error ?? `HTTP ${outcome.statusCode}` };
    if (state.status === "pending") deps.log.warn({ ...details, nextAttemptAt: new Date(state.nextAttemptAt).toISOString() }, "webhook delivery failed; it will be tried again");
    else deps.log.error(details, `webhook delivery gave up after ${attempt} attempt(s); it will not be sent again unless resent`);
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

  const loop = leaseLoop<Claim, AttemptRecord>({
    name: "webhook",
    idKey: "deliveryId",
    exchange: (records, claim) => deps.repo.exchange(records, claim),
    release: (claims) => deps.repo.release(claims),
    prepare(claims) {
      // The integration's keys are read once per claim: the secret of the moment of the claim.
      const keys = new Map<string, Promise<SigningKeys | undefined>>();
      return claims.map((claim) => {
        const id = claim.row.integration_id;
        if (!keys.has(id)) keys.set(id, deps.signingKeys(id).catch(() => undefined));
        const keysOfClaim = keys.get(id)!;
        return () => deliver(claim, keysOfClaim);
      });
    },
    recordId: (record) => record.claim.row.id,
    onWake: deps.onWake,
    leaseMs: deps.leaseMs,
    concurrency: deps.concurrency,
    pollMs: deps.pollMs,
    log: deps.log,
    now,
  });
  return { ...loop, name: "webhook-dispatcher" };
}
