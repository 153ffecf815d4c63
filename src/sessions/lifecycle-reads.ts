import type { Kysely } from "kysely";
import { apiError } from "../errors.js";
import type { Database, SessionsTable } from "../store/schema.js";
import { decisionPayload, personOf } from "../webhooks/payloads.js";
import type { SessionLifecycle } from "./lifecycle.js";
import type { SessionRepo } from "./repo.js";
import { isUuid } from "./service.js";

export interface LifecycleReadsDeps {
  db: Kysely<Database>;
  repo: Pick<SessionRepo, "findForIntegration">;
  lifecycle: Pick<SessionLifecycle, "latestDecision" | "attempts" | "initData">;
}

/** What an integrator reads about its session's outcome: decision, person, attempts (reference §4.5-4.7). */
export function lifecycleReads({ db, repo, lifecycle }: LifecycleReadsDeps) {
  /** The integration's own live session; another integration's, a deleted or a malformed id are all 404. */
  async function owned(integrationId: string, id: string): Promise<SessionsTable> {
    const session = isUuid(id) ? await repo.findForIntegration(integrationId, id.toLowerCase()) : undefined;
    if (!session) throw apiError("NOT_FOUND", { what: "Session" });
    return session;
  }

  return {
    /** The latest decision with the webhook's payload; `verification: null` until there is one. */
    async decision(integrationId: string, id: string) {
      const session = await owned(integrationId, id);
      const decision = await lifecycle.latestDecision(session.id);
      if (!decision) return { status: "success" as const, verification: null };
      return { ...decisionPayload(session, decision, await lifecycle.initData(db, session)), status: "success" as const };
    },

    /** The person as the integrator described it (nothing is extracted yet); no screening, so no matches. */
    async person(integrationId: string, id: string) {
      const session = await owned(integrationId, id);
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

    async attempts(integrationId: string, id: string) {
      const session = await owned(integrationId, id);
      const attempts = await lifecycle.attempts(session.id);
      return {
        status: "success" as const,
        verifications: attempts.map((attempt) => ({ id: attempt.id, status: attempt.status, createdTime: new Date(attempt.created_at).toISOString() })),
      };
    },
  };
}

export type LifecycleReads = ReturnType<typeof lifecycleReads>;
