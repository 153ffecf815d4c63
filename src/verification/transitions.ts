import type { Kysely } from "kysely";
import { ApiError, apiError } from "../errors.js";
import { type Actor, SWEEPER, actorName } from "../audit/events.js";
import type { AuditRepo } from "../audit/repo.js";
import type { Integration, IntegrationService } from "../integrations/service.js";
import { newRowId } from "../store/ids.js";
import type { Database, DecisionsTable, SessionsTable } from "../store/schema.js";
import type { SessionService } from "../sessions/service.js";
import type { OutboxItem, WebhookOutbox } from "../webhooks/outbox.js";
import type { JobQueue } from "../jobs/service.js";
import { type FindingsLookup, decisionPayload, eventPayload } from "./payloads.js";
import type { VerificationRepo } from "./repo.js";
import {
  ATTEMPT_OPEN,
  DECIDABLE_FROM,
  DECISION_CODES,
  type DecisionStatus,
  EVENT_CODES,
  MAX_RESUBMISSIONS,
  REASONS,
  RESUBMISSION_LIMIT_REASON_CODE,
  SUBMITTABLE_FROM,
  type Verdict,
  reasonCodeFits,
  UNFINISHED,
} from "./states.js";

export interface LifecycleDeps {
  db: Kysely<Database>;
  repo: VerificationRepo;
  sessions: Pick<SessionService, "lock" | "update" | "initData" | "createdBefore" | "findAny">;
  integrations: Pick<IntegrationService, "getIntegrationIn">;
  audit: Pick<AuditRepo, "record">;
  outbox: Pick<WebhookOutbox, "enqueue" | "wake">;
  jobs: Pick<JobQueue, "enqueue" | "wake">;
  /** What the engine read off an attempt's document, for the decision webhook (src/assessment/). */
  findings?: FindingsLookup | undefined;
  now?: () => number;
}

/** The job submit writes: the attempt's assessment (assess-job.ts), which decides it. */
export const ASSESS_JOB = "verification.assess";
export interface AssessPayload {
  sessionId: string;
  attemptId: string;
}

/** Everything a transition needs, read under the session's lock. */
export interface Locked {
  trx: Kysely<Database>;
  session: SessionsTable;
  integration: Integration;
  at: number;
  actor: Actor;
}

export interface DecideOptions {
  sessionId: string;
  verdict: Verdict;
  reasonCode?: number | null;
  reason?: string | null;
  actor: Actor;
}

/**
 * The session state machine (README, Session lifecycle). Each verb is one transaction: new state, audit event and
 * outbox rows commit together; the dispatcher is woken after the commit.
 */
export function sessionLifecycle({ db, repo, sessions, integrations, audit, outbox, jobs, findings, now = Date.now }: LifecycleDeps) {
  const { initData } = sessions;

  const webhook = (integration: Integration, session: SessionsTable, kind: "event" | "decision", code: number, payload: unknown): OutboxItem => ({
    integrationId: integration.id,
    url: kind === "event" ? integration.eventWebhookUrl : integration.decisionWebhookUrl,
    sessionId: session.id,
    kind,
    code,
    payload,
  });

  /**
   * Runs `fn` on the locked live session; a missing or deleted one, and one the actor may not act
   * on (another integration's, another session's token), is a 404.
   */
  async function inLockedSession<T>(opts: { sessionId: string; actor: Actor }, fn: (locked: Locked) => Promise<T>): Promise<T> {
    const { actor } = opts;
    if (actor.kind === "endUser" && actor.sessionId !== opts.sessionId) throw apiError("NOT_FOUND", { what: "Session" });
    const result = await db.transaction().execute(async (trx) => {
      const session = await sessions.lock(trx, opts.sessionId, actor.kind === "integrator" ? actor.integrationId : undefined);
      if (!session) throw apiError("NOT_FOUND", { what: "Session" });
      const integration = await integrations.getIntegrationIn(trx, session.integration_id);
      if (!integration) throw apiError("NOT_FOUND", { what: "Session" });
      return fn({ trx, session, integration, at: now(), actor: opts.actor });
    });
    outbox.wake();
    jobs.wake();
    return result;
  }

  /** created / resubmission_requested → started, with a new attempt; a started session keeps its attempt. */
  async function openAttempt(locked: Locked): Promise<string> {
    const { trx, session, integration, at, actor } = locked;
    if (session.status === "started" && session.current_attempt_id) return session.current_attempt_id;
    if (session.status !== "created" && session.status !== "resubmission_requested") {
      throw apiError("CONFLICT", { detail: `Session is ${session.status}; no attempt can be started` });
    }
    const number = (await repo.lastAttemptNumber(trx, session.id)) + 1;
    const attemptId = newRowId();
    await repo.insertAttempt(trx, { id: attemptId, session_id: session.id, number, status: "started", created_at: at, submitted_at: null, decided_at: null });
    await sessions.update(trx, session.id, { status: "started", current_attempt_id: attemptId, started_at: session.started_at ?? at, updated_at: at });
    await audit.record(trx, { integrationId: integration.id, sessionId: session.id, actor, at, event: { type: "session.started", data: { attemptId, attemptNumber: number } } });
    await outbox.enqueue(trx, [webhook(integration, session, "event", EVENT_CODES.started, eventPayload(session, attemptId, 7001))]);
    Object.assign(session, { status: "started", current_attempt_id: attemptId, updated_at: at });
    return attemptId;
  }

  async function recordDecision(locked: Locked, status: DecisionStatus, reasonCode: number | null, reason: string | null, error?: string): Promise<DecisionsTable> {
    const { trx, session, integration, actor } = locked;
    // Strictly after the session's previous decision, so that "latest decision" is never a tie.
    const at = Math.max(locked.at, (session.decided_at ?? 0) + 1);
    const attemptOpen = ATTEMPT_OPEN.includes(session.status);
    const decision: DecisionsTable = {
      id: newRowId(),
      session_id: session.id,
      attempt_id: session.current_attempt_id,
      status,
      code: DECISION_CODES[status],
      reason: reason ?? (reasonCode !== null ? REASONS[reasonCode] ?? null : null),
      reason_code: reasonCode,
      decided_by: actorName(actor),
      decided_at: at,
    };
    await repo.insertDecision(trx, decision);
    await sessions.update(trx, session.id, { status, decided_at: at, updated_at: at });
    // An attempt already closed by a resubmission request keeps its status when the session is abandoned.
    if (session.current_attempt_id && attemptOpen) await repo.updateAttempt(trx, session.current_attempt_id, { status, decided_at: at });
    await audit.record(trx, {
      integrationId: integration.id,
      sessionId: session.id,
      actor,
      at,
      event: { type: "session.decided", data: { attemptId: session.current_attempt_id, status, code: decision.code, reasonCode, decisionId: decision.id, ...(error !== undefined ? { error } : {}) } },
    });
    const found = decision.attempt_id ? await findings?.(trx, session, decision.attempt_id) : undefined;
    const payload = decisionPayload(session, decision, await initData(trx, session), found);
    await outbox.enqueue(trx, [webhook(integration, session, "decision", decision.code, payload)]);
    Object.assign(session, { status, decided_at: at, updated_at: at });
    return decision;
  }

  /**
   * A verdict on a submitted (or in-review) attempt; the 10th resubmission request declines (539).
   * `error`: why the verdict was made without an assessment, recorded in the audit event.
   */
  async function decideLocked(locked: Locked, verdict: Verdict, reasonCode: number | null, reason: string | null, error?: string): Promise<DecisionsTable> {
    const status = locked.session.status;
    if (!DECIDABLE_FROM.includes(status) || (status === "review" && verdict === "review")) {
      throw apiError("TRANSITION_NOT_ALLOWED", { status: verdict });
    }
    if (reasonCode !== null && !reasonCodeFits(verdict, reasonCode)) {
      throw apiError("INVALID_PARAMETER", { field: "reasonCode", detail: `${reasonCode} is not a ${verdict} reason code` });
    }
    if (verdict === "resubmission_requested") {
      const attempt = locked.session.current_attempt_id ? await repo.findAttempt(locked.trx, locked.session.current_attempt_id) : undefined;
      if ((attempt?.number ?? 0) > MAX_RESUBMISSIONS) return recordDecision(locked, "declined", RESUBMISSION_LIMIT_REASON_CODE, null, error);
    }
    return recordDecision(locked, verdict, reasonCode, reason, error);
  }

  /**
   * created → expired, started / resubmission_requested → abandoned (9104), for the sweeper and for
   * DELETE. Returns the status set, or undefined when the session was already past that point.
   */
  async function endUnfinished(locked: Locked): Promise<"expired" | "abandoned" | undefined> {
    const status = locked.session.status;
    if (status !== "created" && status !== "started" && status !== "resubmission_requested") return undefined;
    const ended = status === "created" ? "expired" : "abandoned";
    await recordDecision(locked, ended, null, null);
    return ended;
  }

  return {
    inLockedSession,
    openAttempt,
    endUnfinished,
    decideLocked,

    /**
     * PATCH status=submitted: only from created or started (1304 otherwise). Answers `submitted`, as
     * Veriff does: the decision, a test integration's forced one included, comes from the attempt's
     * assessment job, written here in the same transaction.
     */
    async submit(opts: { sessionId: string; actor: Actor }): Promise<SessionsTable> {
      return inLockedSession(opts, async (locked) => {
        const { trx, session, integration, at, actor } = locked;
        if (!SUBMITTABLE_FROM.includes(session.status)) throw apiError("TRANSITION_NOT_ALLOWED", { status: "submitted" });
        const attemptId = await openAttempt(locked);
        await repo.updateAttempt(trx, attemptId, { status: "submitted", submitted_at: at });
        await sessions.update(trx, session.id, { status: "submitted", submitted_at: at, updated_at: at });
        await audit.record(trx, { integrationId: integration.id, sessionId: session.id, actor, at, event: { type: "session.submitted", data: { attemptId } } });
        await outbox.enqueue(trx, [webhook(integration, session, "event", EVENT_CODES.submitted, eventPayload(session, attemptId, 7002))]);
        await jobs.enqueue(trx, { kind: ASSESS_JOB, subject: session.id, payload: { sessionId: session.id, attemptId } satisfies AssessPayload });
        Object.assign(session, { status: "submitted", submitted_at: at, updated_at: at });
        return session;
      });
    },

    /** The one decide function the engine, the back-office and the operator CLI call. */
    async decide(opts: DecideOptions): Promise<DecisionsTable> {
      return inLockedSession(opts, (locked) => decideLocked(locked, opts.verdict, opts.reasonCode ?? null, opts.reason ?? null));
    },

    /** Expires or abandons every unfinished session created more than `maxAgeMs` ago. */
    async sweepUnfinished(maxAgeMs: number, batch = 200): Promise<number> {
      let ended = 0;
      const stale = await sessions.createdBefore(UNFINISHED, now() - maxAgeMs, batch);
      for (const { id } of stale) {
        try {
          if (await inLockedSession({ sessionId: id, actor: SWEEPER }, endUnfinished)) ended++;
        } catch (error) {
          // Deleted since the list was read: nothing left to end. Anything else is a real failure.
          if (!(error instanceof ApiError && error.errorName === "NOT_FOUND")) throw error;
        }
      }
      return ended;
    },

    latestDecision: repo.latestDecision,
    attempts: repo.attempts,
    /** The operator's view: any session by id, deleted ones included, and every decision it had. */
    findAny: sessions.findAny,
    decisions: repo.decisions,
    finalDecisionCounts: repo.finalDecisionCounts,
    medianDecisionMs: repo.medianDecisionMs,
    attemptSession: repo.attemptSession,
    initData,
  };
}

export type SessionLifecycle = ReturnType<typeof sessionLifecycle>;
