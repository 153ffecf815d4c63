import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import type { Actor } from "../audit/events.js";
import type { SessionService } from "../sessions/service.js";
import { iso } from "../time.js";
import { type FindingsLookup, decisionPayload, personOf } from "./payloads.js";
import type { SessionLifecycle } from "./transitions.js";

export interface LifecycleReadsDeps {
  db: Kysely<Database>;
  sessions: Pick<SessionService, "sessionFor">;
  lifecycle: Pick<SessionLifecycle, "latestDecision" | "attempts" | "initData">;
  /** What the engine read off an attempt's document (src/assessment/). */
  findings?: FindingsLookup | undefined;
}

/** What an integrator reads about its session's outcome: decision, person, attempts (docs/veriff-api.md §4.5-4.7). */
export function lifecycleReads({ db, sessions, lifecycle, findings }: LifecycleReadsDeps) {
  const owned = sessions.sessionFor;
  const foundFor = async (session: { id: string }, attemptId: string | null | undefined) => (attemptId ? findings?.(db, session, attemptId) : undefined);

  return {
    /** The latest decision with the webhook's payload; `verification: null` until there is one. */
    async decision(actor: Actor, id: string) {
      const session = await owned(actor, id);
      const decision = await lifecycle.latestDecision(session.id);
      if (!decision) return { status: "success" as const, verification: null };
      const found = await foundFor(session, decision.attempt_id);
      return { ...decisionPayload(session, decision, await lifecycle.initData(db, session), found), status: "success" as const };
    },

    /**
     * The person as read off the document by the engine (the latest decision's attempt), else as the
     * integrator described it; no screening, so no matches.
     */
    async person(actor: Actor, id: string) {
      const session = await owned(actor, id);
      const decision = await lifecycle.latestDecision(session.id);
      const person = personOf(await lifecycle.initData(db, session), await foundFor(session, decision?.attempt_id));
      return {
        status: "success" as const,
        person: {
          id: session.id,
          firstName: person.firstName,
          lastName: person.lastName,
          // Veriff's clients read idCode; our own payloads call it idNumber.
          idCode: person.idNumber,
          idNumber: person.idNumber,
          dateOfBirth: person.dateOfBirth,
          gender: person.gender,
          nationality: person.nationality,
          placeOfBirth: person.placeOfBirth,
          citizenships: [] as string[],
          pepSanctionMatches: [] as unknown[],
        },
      };
    },

    async attempts(actor: Actor, id: string) {
      const session = await owned(actor, id);
      const attempts = await lifecycle.attempts(session.id);
      return {
        status: "success" as const,
        verifications: attempts.map((attempt) => ({ id: attempt.id, status: attempt.status, createdTime: iso(attempt.created_at) })),
      };
    },
  };
}

export type LifecycleReads = ReturnType<typeof lifecycleReads>;
