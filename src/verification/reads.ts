import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import type { Actor } from "../audit/events.js";
import type { SessionService } from "../sessions/service.js";
import { iso } from "../time.js";
import { decisionPayload, personOf } from "./payloads.js";
import type { SessionLifecycle } from "./transitions.js";

export interface LifecycleReadsDeps {
  db: Kysely<Database>;
  sessions: Pick<SessionService, "sessionFor">;
  lifecycle: Pick<SessionLifecycle, "latestDecision" | "attempts" | "initData">;
}

/** What an integrator reads about its session's outcome: decision, person, attempts (docs/veriff-api.md §4.5-4.7). */
export function lifecycleReads({ db, sessions, lifecycle }: LifecycleReadsDeps) {
  const owned = sessions.sessionFor;

  return {
    /** The latest decision with the webhook's payload; `verification: null` until there is one. */
    async decision(actor: Actor, id: string) {
      const session = await owned(actor, id);
      const decision = await lifecycle.latestDecision(session.id);
      if (!decision) return { status: "success" as const, verification: null };
      return { ...decisionPayload(session, decision, await lifecycle.initData(db, session)), status: "success" as const };
    },

    /** The person as the integrator described it (nothing is extracted yet); no screening, so no matches. */
    async person(actor: Actor, id: string) {
      const session = await owned(actor, id);
      const person = personOf(await lifecycle.initData(db, session));
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
