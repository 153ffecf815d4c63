import type { Kysely } from "kysely";
import type { Actor } from "../audit/events.js";
import { decide } from "../engine/policy/decide.js";
import type { Decision, DuplicateMatch } from "../engine/policy/input.js";
import type { Verification } from "../engine/run/verify.js";
import type { MediaService } from "../media/service.js";
import type { SessionService } from "../sessions/service.js";
import { ENGINE_CONTEXTS, claimsOf, decideUnread, verifyInputOf } from "./inputs.js";
import type { Database, SessionsTable } from "../store/schema.js";
import type { Assessment, SubmittedVerdicts } from "../verification/assess-job.js";
import type { DuplicateFinder } from "./duplicates.js";
import { type DocumentKeyer, documentKeyRehash } from "./document-keys.js";
import type { EngineWorkers } from "./engine.js";
import type { IntegrationPolicies } from "./policies.js";
import { type SealedFindings, assessmentRow, openFindings } from "./record.js";
import type { AssessmentRepo } from "./repo.js";

export const ENGINE: Actor = { kind: "engine" };

/** What the queue hands the engine: one submitted attempt. */
export interface AssessJob {
  sessionId: string;
  attemptId: string;
}

export interface AssessmentDeps {
  db: Kysely<Database>;
  repo: AssessmentRepo;
  policies: Pick<IntegrationPolicies, "current">;
  engine: Pick<EngineWorkers, "pool">;
  sessions: Pick<SessionService, "findAny" | "dataKey" | "initData">;
  /** The one decide function, on the attempt while it is still the session's submitted one. */
  verdicts: Pick<SubmittedVerdicts, "decideSubmitted">;
  media: Pick<MediaService, "attemptImages">;
  duplicates: DuplicateFinder;
  documentKeys: DocumentKeyer;
  now?: () => number;
}

const GAVE_UP_REASON = "The engine could not assess this attempt; a person decides";

/**
 * The engine's side of a submitted attempt: open its sealed images, read and compare them in a
 * worker thread, look for the same document or face in the integration's other sessions, record
 * everything, and decide through the one decide function with Veriff's codes.
 */
export function assessmentService(deps: AssessmentDeps) {
  const { db, repo, policies, engine, sessions, verdicts, media, duplicates, documentKeys, now = Date.now } = deps;

  /** The session while `attemptId` is its current, submitted attempt; undefined once it moved on (decided, erased, deleted). */
  async function pending({ sessionId, attemptId }: AssessJob): Promise<SessionsTable | undefined> {
    const session = await sessions.findAny(sessionId);
    const live = session && session.deleted_at === null && session.erased_at === null;
    return live && session.status === "submitted" && session.current_attempt_id === attemptId ? session : undefined;
  }

  return {
    /** Idempotent: an attempt no longer submitted is skipped; a failure throws, for the queue to try again. */
    async assess(job: AssessJob): Promise<void> {
      const session = await pending(job);
      const dataKey = session ? await sessions.dataKey(session.id) : undefined;
      if (!session || !dataKey) return;
      const claims = claimsOf(await sessions.initData(db, session));
      const policy = await policies.current(session.integration_id);
      const judgedAt = now();
      const at = new Date(judgedAt);
      const images = await media.attemptImages({ actor: ENGINE, attemptId: job.attemptId, contexts: ENGINE_CONTEXTS });
      const input = verifyInputOf(images, { claims, policy, duplicates: [], now: at });

      let verification: Verification | null = null;
      let decision: Decision;
      let found: DuplicateMatch[] = [];
      let key: string | null = null;
      if (input) {
        verification = await engine.pool().verify(input);
        const number = verification.document.number;
        key = documentKeys.current(session.integration_id, number);
        found = await duplicates({ session, documentKeys: documentKeys.all(session.integration_id, number), face: verification.readings.selfieFace.faces[0]?.embedding, threshold: policy.face.threshold });
        // Cheap: the readings are in hand; only the duplicate checks change.
        decision = found.length === 0 ? verification : decide({ ...verification.readings, session: claims, duplicates: found, policy, now: at });
      } else {
        decision = decideUnread(images, { claims, policy, duplicates: [], now: at });
      }
      await repo.save(assessmentRow({ session, attemptId: job.attemptId, verification, decision, duplicates: found, judgedAt, dataKey, documentKey: key, at: now() }));
      // Nothing is decided when the session moved on while the engine worked (a reviewer decided first).
      await verdicts.decideSubmitted({ ...job, verdict: decision.status, reasonCode: decision.reasonCode, reason: decision.reason, actor: ENGINE });
    },

    /**
     * What the engine found on the session's latest assessed attempt, opened with the session's data
     * key that the caller (a reviewer's session page) has already read.
     */
    async findingsOf(sessionId: string, dataKey: Buffer): Promise<SealedFindings | undefined> {
      const row = (await repo.ofSession(sessionId)).find((r) => r.findings_sealed !== null);
      return row && openFindings(dataKey, row);
    },

    /** After `earthid keys rotate`: every recorded document number's key under the current master key (see documentKeyRehash). */
    rehashDocumentKeys: documentKeyRehash({ repo, sessions, keyer: documentKeys }),

    /** After the queue's last try: review (9121), the error recorded with the attempt and in the decision's audit event. */
    async giveUp(job: AssessJob, error: string): Promise<void> {
      const session = await pending(job);
      if (!session) return;
      const at = now();
      const message = error.slice(0, 1000);
      const earlier = await repo.find(job.attemptId);
      await repo.save({
        ...(earlier ?? { attempt_id: job.attemptId, session_id: session.id, integration_id: session.integration_id, status: null, code: null, reason_code: null, policy_version: null, findings_sealed: null, face_sealed: null, document_key: null, versions: null, images: null, timings: null, judged_at: at, created_at: at }),
        error: message,
      });
      await verdicts.decideSubmitted({ ...job, verdict: "review", reason: GAVE_UP_REASON, actor: ENGINE, error: message });
    },
  };
}

export type AssessmentService = ReturnType<typeof assessmentService>;

/** The engine as the queue's `verification.assess` handler calls it (src/verification/assess-job.ts). */
export const engineAssessment = (service: Pick<AssessmentService, "assess" | "giveUp">): Assessment => ({
  assess: (job) => service.assess(job.payload),
  giveUp: (job, error) => service.giveUp(job.payload, error),
});
