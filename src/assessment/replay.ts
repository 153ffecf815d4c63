import type { Kysely } from "kysely";
import { apiError } from "../errors.js";
import type { EnginePool } from "../engine/pool.js";
import type { MediaService } from "../media/service.js";
import type { SessionService } from "../sessions/service.js";
import type { Database } from "../store/schema.js";
import type { IntegrationPolicies } from "./policies.js";
import { openFindings } from "./record.js";
import type { AssessmentRepo } from "./repo.js";
import { type Difference, type Outcome, differences } from "./replay-diff.js";
import { ENGINE_CONTEXTS, claimsOf, decideUnread, verifyInputOf } from "./inputs.js";
import { ENGINE } from "./service.js";

export interface ReplayDeps {
  db: Kysely<Database>;
  repo: Pick<AssessmentRepo, "ofSession">;
  policies: Pick<IntegrationPolicies, "atVersion">;
  sessions: Pick<SessionService, "findAny" | "dataKey" | "initData">;
  media: Pick<MediaService, "attemptImages">;
  /** The engine's workers, started when a replay needs them. */
  pool: () => Pick<EnginePool, "verify">;
}

export interface Replay {
  sessionId: string;
  attemptId: string;
  judgedAt: string;
  policyVersion: number;
  recorded: Outcome["decision"];
  replayed: Outcome["decision"];
  differences: Difference[];
}

const json = (text: string | null) => (text === null ? null : (JSON.parse(text) as Record<string, unknown>));

/**
 * `earthid sessions replay`: the checks of a recorded assessment run again, offline, from the
 * sealed media, judged at the recorded moment under the recorded policy version and with the
 * duplicates then found, and what came out otherwise than recorded.
 */
export function assessmentReplay({ db, repo, policies, sessions, media, pool }: ReplayDeps) {
  return async function replay({ sessionId, attemptId }: { sessionId: string; attemptId?: string | undefined }): Promise<Replay> {
    const session = await sessions.findAny(sessionId);
    if (!session) throw apiError("NOT_FOUND", { what: "Session" });
    const rows = (await repo.ofSession(session.id)).filter((row) => row.findings_sealed !== null);
    const row = attemptId === undefined ? rows[0] : rows.find((r) => r.attempt_id === attemptId);
    if (!row || row.policy_version === null || row.status === null) throw apiError("NOT_FOUND", { what: attemptId ? `An engine assessment of attempt ${attemptId}` : "An engine assessment of this session" });
    const key = await sessions.dataKey(session.id);
    const found = key ? openFindings(key, row) : undefined;
    if (!key || !found) throw apiError("NOT_FOUND", { what: "The session's data (erased)" });
    const policy = await policies.atVersion(session.integration_id, row.policy_version);
    if (!policy) throw apiError("NOT_FOUND", { what: `Policy version ${row.policy_version}` });

    const claims = claimsOf(await sessions.initData(db, session));
    const now = new Date(row.judged_at);
    const images = await media.attemptImages({ actor: ENGINE, attemptId: row.attempt_id, contexts: ENGINE_CONTEXTS });
    const recorded: Outcome = {
      decision: { status: row.status, code: row.code, reasonCode: row.reason_code },
      person: found.person,
      document: found.document,
      checks: found.checks,
      images: json(row.images),
      versions: json(row.versions),
    };
    const judging = { claims, policy, duplicates: found.duplicates, now };
    const input = verifyInputOf(images, judging);
    let replayed: Outcome;
    if (input) {
      const v = await pool().verify(input);
      replayed = { decision: { status: v.status, code: v.code, reasonCode: v.reasonCode }, person: { ...v.person }, document: { ...v.document }, checks: v.checks, images: { ...v.images }, versions: { ...v.versions } };
    } else {
      const d = decideUnread(images, judging);
      replayed = { ...recorded, decision: { status: d.status, code: d.code, reasonCode: d.reasonCode }, checks: d.checks };
    }
    return {
      sessionId: session.id,
      attemptId: row.attempt_id,
      judgedAt: now.toISOString(),
      policyVersion: policy.version,
      recorded: recorded.decision,
      replayed: replayed.decision,
      differences: differences(recorded, replayed),
    };
  };
}

export type AssessmentReplay = ReturnType<typeof assessmentReplay>;
