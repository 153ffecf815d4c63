import { ApiError } from "../errors.js";
import { SWEEPER } from "../audit/events.js";
import type { IntegrationService } from "../integrations/service.js";
import type { SessionErasure } from "./erasure.js";
import type { SessionService } from "../sessions/service.js";
import type { SessionLifecycle } from "./transitions.js";
import { FINAL } from "./states.js";

export interface RetentionDeps {
  integrations: Pick<IntegrationService, "listIntegrations">;
  lifecycle: Pick<SessionLifecycle, "inLockedSession">;
  sessions: Pick<SessionService, "erasableBefore">;
  erasure: Pick<SessionErasure, "eraseLocked" | "removeFiles">;
  /** Done jobs are removed this long after they finished (EARTHID_JOB_RETENTION_DAYS). */
  doneJobs: { purgeDone(before: number): Promise<number>; retentionDays: number };
  /** Audit events are deleted from the chain's old end this long after they happened (EARTHID_AUDIT_RETENTION_DAYS; 0: never). */
  auditEvents: { prune(before: number): Promise<number>; retentionDays: number };
  now?: () => number;
}

const DAY_MS = 86_400_000;

/**
 * Per-integration retention: `retention_days` after a session's final decision, its media and
 * personal data are erased as DELETE erases them; the session itself, its status and its decision
 * stay readable. Sessions awaiting a person (review) or the end user (resubmission) are not final
 * and keep their data until they are.
 */
export function sessionRetention({ integrations, lifecycle, sessions, erasure, doneJobs, auditEvents, now = Date.now }: RetentionDeps) {
  return {
    /** Done jobs past their retention; failed ones stay for the operator (`earthid jobs`). */
    purgeDoneJobs: () => doneJobs.purgeDone(now() - doneJobs.retentionDays * DAY_MS),

    /** Audit events past their retention, oldest first; the chain then verifies from its anchor. */
    purgeAuditEvents: async () => (auditEvents.retentionDays > 0 ? auditEvents.prune(now() - auditEvents.retentionDays * DAY_MS) : 0),

    /** One pass over every integration with a retention period; returns how many sessions were erased. */
    async sweep(batch = 200): Promise<number> {
      let erased = 0;
      for (const integration of await integrations.listIntegrations()) {
        if (integration.retentionDays === null) continue;
        const cutoff = now() - integration.retentionDays * DAY_MS;
        for (const sessionId of await sessions.erasableBefore(integration.id, FINAL, cutoff, batch)) {
          let afterCommit: (() => Promise<void>) | undefined;
          try {
            const done = await lifecycle.inLockedSession({ sessionId, actor: SWEEPER }, async (locked) => {
              // Re-checked under the lock: a reviewer or a DELETE may have got there first.
              const { session } = locked;
              if (session.erased_at !== null || !FINAL.includes(session.status) || (session.decided_at ?? Infinity) >= cutoff) return false;
              afterCommit = await erasure.eraseLocked(locked, "retention");
              return true;
            });
            if (done) erased++;
          } catch (error) {
            if (!(error instanceof ApiError && error.errorName === "NOT_FOUND")) throw error;
          }
          await erasure.removeFiles(sessionId, afterCommit);
        }
      }
      return erased;
    },
  };
}

export type SessionRetention = ReturnType<typeof sessionRetention>;
