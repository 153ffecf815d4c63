import type { Keyring } from "../crypto/keyring.js";
import type { FastifyBaseLogger } from "fastify";
import { open } from "../crypto/sealing.js";
import type { BackgroundTask } from "../background-task.js";
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

/** Attempts recorded by one exchange at most, so that an exchange stays a short transaction. */
const MAX_RECORDS = 256;

/**
 * Delivers the outbox. Keeps at most `concurrency` requests in flight and as many claimed rows
 * waiting for a slot (so that a free slot never waits for the database), never more than twice
 * `concurrency` rows leased in all, the sent but not yet recorded included; posts them outside any
 * transaction. Talks to the store in exchanges, one at a time: each records the attempts that ended
 * since the last and leases as many due rows as it frees, in one statement on PostgreSQL, so that
 * a backlog costs one round trip per batch of deliveries. Woken by commits in this process, and
 * polls for the rest. The lease of a claimed row covers its wait for a slot (at most one attempt's
 * timeout) and its own attempt. A process killed mid-delivery loses nothing: its leases expire and
 * the rows are claimed again (at least once; receivers dedupe on the delivery id).
 */
export function webhookDispatcher(deps: DispatcherDeps): BackgroundTask & { idle(): Promise<void> } {
  const now = deps.now ?? Date.now;
  const cap = 2 * deps.concurrency;
  const waiting: Waiting[] = [];
  const sending = new Set<Promise<void>>();
  // Attempts over, to be recorded by the next exchange.
  const ended: AttemptRecord[] = [];
  // Rows leased to this dispatcher: waiting, in flight, or ended and not yet recorded.
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
    let claims: Claim[] = [];
    try {
      const result = await deps.repo.exchange(records, { limit, now: at, claimedUntil: at + deps.leaseMs });
      for (const id of result.lost) deps.log.warn({ deliveryId: id }, "webhook lease expired before its attempt was recorded");
      claims = result.claims;
      if (limit > 0 && claims.length === limit) moreDue = true;
    } catch (error) {
      // Their leases will expire and the rows be tried again.
      deps.log.error({ err: error, deliveryIds: records.map((r) => r.claim.row.id) }, "webhook exchange with the store failed");
    }
    held += claims.length - records.length;
    // The integration's keys are read once per claim: the secret of the moment of the claim.
    const keys = new Map<string, Promise<SigningKeys | undefined>>();
    for (const claim of claims) {
      const id = claim.row.integration_id;
      if (!keys.has(id)) keys.set(id, deps.signingKeys(id).catch(() => undefined));
      waiting.push({ claim, keys: keys.get(id)! });
    }
    startWhatFits();
  }

  function startWhatFits() {
    while (!stopped && sending.size < deps.concurrency && waiting.length > 0) {
      const sent = deliver(waiting.shift()!).finally(() => {
        sending.delete(sent);
        startWhatFits();
        schedule();
      });
      sending.add(sent);
    }
  }

  /** Resolves when the request is over; the attempt is recorded by the next exchange, off the slot. */
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
      : afterFailure(deps.retry, { createdAt: claim.row.created_at, attempts: claim.attempt }, { at: attemptedAt, statusCode: outcome.statusCode });
    ended.push({ claim, attempt: { number: claim.attempt, attemptedAt, ...outcome }, state });
    try {
      deps.onAttemptEnded?.({ kind: claim.row.kind, outcome: outcomeOfState[state.status], durationMs: outcome.durationMs });
    } catch (error) {
      // Monitoring never stops a delivery; the attempt is recorded all the same.
      deps.log.error({ err: error, deliveryId: claim.row.id }, "reporting a webhook attempt failed");
    }
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
    while (exchanging || scheduled || sending.size > 0 || ended.length > 0) {
      await exchanging;
      await Promise.all(sending);
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
      await exchanging;
      const unstarted = waiting.splice(0).map((w) => w.claim);
      held -= unstarted.length;
      await settled();
      if (unstarted.length > 0) await deps.repo.release(unstarted).catch((error: unknown) => deps.log.error({ err: error }, "releasing webhook claims failed"));
    },
    /** Resolves once nothing is being claimed, sent or recorded (tests, benchmarks). */
    idle: settled,
  };
}
