import type { Kysely } from "kysely";
import { ApiError, apiError } from "../errors.js";
import type { AuditRepo } from "../audit/repo.js";
import type { Actor } from "../audit/events.js";
import type { Database } from "../store/schema.js";
import { isUuid } from "../store/ids.js";
import type { SessionService } from "../sessions/service.js";
import type { Locked, SessionLifecycle } from "./transitions.js";
import type { VerificationRepo } from "./repo.js";
import { DELETABLE } from "./states.js";

/**
 * The media capability's part of an erasure: inside the erasing transaction it forgets the session's
 * media and says how many files there were; `afterCommit` removes the files once the erasure is
 * committed (they are sealed under the destroyed data key, so they are unreadable already).
 */
export type MediaEraser = (trx: Kysely<Database>, sessionId: string) => Promise<{ files: number; afterCommit?: () => Promise<void> }>;

/** The webhook capability's part: the stored bodies of the session's deliveries are dropped. */
export type PayloadEraser = (trx: Kysely<Database>, sessionId: string) => Promise<unknown>;

/** DELETE per integration; 0 means no limit for that window. */
export interface DeletionLimits {
  perHour: number;
  perDay: number;
}

export interface ErasureDeps {
  lifecycle: Pick<SessionLifecycle, "inLockedSession" | "endUnfinished">;
  repo: Pick<VerificationRepo, "serialiseDeletions">;
  sessions: Pick<SessionService, "destroyKey" | "update">;
  audit: Pick<AuditRepo, "record" | "recentTimes">;
  erasePayloads: PayloadEraser;
  /** The job queue's part: the session's jobs (their subject is the session) are removed. */
  eraseJobs: PayloadEraser;
  eraseMedia?: MediaEraser | undefined;
  /** The engine's records of the session's attempts (src/assessment/): their sealed fields, face descriptors and checks. */
  eraseFindings?: PayloadEraser | undefined;
  limits: DeletionLimits;
  /** Told when removing media files after a committed erasure failed. */
  onFileRemovalError?: (error: unknown, sessionId: string) => void;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** 429 with the seconds until one more deletion fits in every window. */
export class DeletionRateLimited extends ApiError {
  constructor(
    readonly retryAfterSeconds: number,
    limits: DeletionLimits,
  ) {
    const windows = [limits.perHour > 0 ? `${limits.perHour} per hour` : "", limits.perDay > 0 ? `${limits.perDay} per 24 hours` : ""].filter(Boolean);
    super("RATE_LIMITED", { detail: `session deletions are limited to ${windows.join(" and ")}; retry in ${retryAfterSeconds} s` });
  }
}

/**
 * Given the integration's recent deletion times (newest first), how long until one more is allowed,
 * in seconds; undefined when it is allowed now.
 */
export function deletionWait(recent: readonly number[], at: number, limits: DeletionLimits): number | undefined {
  let waitMs = 0;
  for (const [limit, windowMs] of [[limits.perHour, HOUR_MS], [limits.perDay, DAY_MS]] as const) {
    if (limit <= 0) continue;
    const inWindow = recent.filter((time) => time > at - windowMs);
    // The limit-th newest deletion has to leave the window before another fits in it.
    const blocking = inWindow[limit - 1];
    if (blocking !== undefined) waitMs = Math.max(waitMs, blocking + windowMs - at);
  }
  return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : undefined;
}

/**
 * Erasure of a session's media and personal data, for DELETE and for retention. Destroying the
 * session's data key is what erases: everything sealed under it (init data, media) can never be
 * opened again, backups included. The session row stays, without its sealed data.
 */
export function sessionErasure(deps: ErasureDeps) {
  const { lifecycle, repo, audit, limits } = deps;

  /** Inside the session's transaction. Returns the file removal to run once it has committed. */
  async function eraseLocked(locked: Locked, reason: "deleted" | "retention"): Promise<(() => Promise<void>) | undefined> {
    const { trx, session, integration, at, actor } = locked;
    await deps.erasePayloads(trx, session.id);
    await deps.eraseFindings?.(trx, session.id);
    await deps.eraseJobs(trx, session.id);
    const media = deps.eraseMedia ? await deps.eraseMedia(trx, session.id) : { files: 0 };
    await deps.sessions.destroyKey(trx, session.id);
    // vendorData too: its hash would still let the filter find the session by it (issue 14, finding 4).
    const erased = { init_data_sealed: null, vendor_data: null, vendor_data_hash: null, vendor_data_sealed: null, erased_at: at };
    await deps.sessions.update(trx, session.id, erased);
    Object.assign(session, erased);
    await audit.record(trx, { integrationId: integration.id, sessionId: session.id, actor, at, event: { type: "session.erased", data: { reason, mediaFiles: media.files } } });
    return media.afterCommit;
  }

  async function removeFiles(sessionId: string, afterCommit: (() => Promise<void>) | undefined): Promise<void> {
    try {
      await afterCommit?.();
    } catch (error) {
      deps.onFileRemovalError?.(error, sessionId);
    }
  }

  async function checkRateLimit({ trx, integration, at }: Locked): Promise<void> {
    if (limits.perHour <= 0 && limits.perDay <= 0) return;
    await repo.serialiseDeletions(trx, integration.id);
    const since = at - (limits.perDay > 0 ? DAY_MS : HOUR_MS);
    const recent = await audit.recentTimes(trx, integration.id, "session.deleted", since, Math.max(limits.perHour, limits.perDay));
    const wait = deletionWait(recent, at, limits);
    if (wait !== undefined) throw new DeletionRateLimited(wait, limits);
  }

  return {
    eraseLocked,
    removeFiles,

    /**
     * DELETE /sessions/{id} (docs/veriff-api.md §4.2). The session's earlier webhook bodies, media and
     * personal data are erased first; then an unfinished session gets its expired/abandoned
     * decision webhook, built after the erasure so that it carries no personal data and is the one
     * delivery left to send; then the row becomes a tombstone the API no longer sees.
     */
    async deleteSession({ actor, sessionId }: { actor: Actor; sessionId: string }): Promise<{ status: "success"; verification: { id: string } }> {
      if (!isUuid(sessionId)) throw apiError("NOT_FOUND", { what: "Session" });
      const id = sessionId.toLowerCase();
      let afterCommit: (() => Promise<void>) | undefined;
      await lifecycle.inLockedSession({ sessionId: id, actor }, async (locked) => {
        await checkRateLimit(locked);
        const previousStatus = locked.session.status;
        // Being processed right now (Veriff's "in progress"); review waits for a final decision.
        if (previousStatus === "submitted") throw apiError("SESSION_IN_PROGRESS");
        if (!DELETABLE.includes(previousStatus)) throw apiError("NOT_COMPLETED");
        afterCommit = await eraseLocked(locked, "deleted");
        await lifecycle.endUnfinished(locked);
        await deps.sessions.update(locked.trx, id, { deleted_at: locked.at });
        await audit.record(locked.trx, {
          integrationId: locked.integration.id,
          sessionId: id,
          actor: locked.actor,
          at: locked.at,
          event: { type: "session.deleted", data: { previousStatus } },
        });
      });
      await removeFiles(id, afterCommit);
      return { status: "success", verification: { id } };
    },
  };
}

export type SessionErasure = ReturnType<typeof sessionErasure>;
