import type { Kysely } from "kysely";
import { open, seal } from "../crypto/sealing.js";
import type { Decision, DuplicateMatch } from "../engine/policy/input.js";
import type { Verification } from "../engine/run/verify.js";
import type { SessionService } from "../sessions/service.js";
import type { Database } from "../store/schema.js";
import type { EngineFindings, FindingsLookup } from "../verification/payloads.js";
import type { AssessmentRepo, AssessmentRow } from "./repo.js";

/** What is sealed of an assessment: everything that says something about the person. */
export interface SealedFindings extends EngineFindings {
  source: Verification["source"];
  /** The other sessions found with this document or face, as the decision was made from them. */
  duplicates: DuplicateMatch[];
}

const findingsAad = (attemptId: string) => `engine-findings:${attemptId}`;
const faceAad = (attemptId: string) => `engine-face:${attemptId}`;

export interface RecordInput {
  session: { id: string; integration_id: string };
  attemptId: string;
  /** What the worker read; null when there was nothing to read (no document image or no selfie). */
  verification: Verification | null;
  decision: Decision;
  duplicates: DuplicateMatch[];
  judgedAt: number;
  dataKey: Buffer;
  documentKey: string | null;
  at: number;
}

const NOTHING_READ = {
  person: { firstName: null, lastName: null, dateOfBirth: null, gender: null, nationality: null, idNumber: null },
  document: { number: null, type: null, country: null, validUntil: null },
  source: null,
} as const;

/** The row of an assessed attempt: personal data sealed under the session's data key. */
export function assessmentRow({ session, attemptId, verification, decision, duplicates, judgedAt, dataKey, documentKey, at }: RecordInput): AssessmentRow {
  const read = verification ?? NOTHING_READ;
  const findings: SealedFindings = { person: read.person, document: read.document, checks: decision.checks, source: read.source, duplicates };
  const face = verification?.readings.selfieFace.faces[0]?.embedding;
  const json = (value: unknown) => (verification ? JSON.stringify(value) : null);
  return {
    attempt_id: attemptId,
    session_id: session.id,
    integration_id: session.integration_id,
    status: decision.status,
    code: decision.code,
    reason_code: decision.reasonCode,
    policy_version: decision.policyVersion,
    findings_sealed: seal(dataKey, JSON.stringify(findings), findingsAad(attemptId)),
    face_sealed: face ? seal(dataKey, JSON.stringify(face), faceAad(attemptId)) : null,
    document_key: documentKey,
    versions: json(verification?.versions),
    images: json(verification?.images),
    timings: json(verification?.timings),
    judged_at: judgedAt,
    error: null,
    created_at: at,
  };
}

export const openFindings = (dataKey: Buffer, row: Pick<AssessmentRow, "attempt_id" | "findings_sealed">): SealedFindings | undefined =>
  row.findings_sealed ? (JSON.parse(open(dataKey, row.findings_sealed, findingsAad(row.attempt_id)).toString("utf8")) as SealedFindings) : undefined;

export const openFace = (dataKey: Buffer, row: Pick<AssessmentRow, "attempt_id" | "face_sealed">): number[] | undefined =>
  row.face_sealed ? (JSON.parse(open(dataKey, row.face_sealed, faceAad(row.attempt_id)).toString("utf8")) as number[]) : undefined;

/** The payloads' view of the record (verification/payloads.ts): person, document and checks, opened in the caller's transaction. */
export function findingsLookup(repo: Pick<AssessmentRepo, "find">, sessions: Pick<SessionService, "dataKey">): FindingsLookup {
  return async (trx: Kysely<Database>, session, attemptId) => {
    const row = await repo.find(attemptId, trx);
    if (!row?.findings_sealed || row.session_id !== session.id) return undefined;
    const key = await sessions.dataKey(session.id, trx);
    const found = key ? openFindings(key, row) : undefined;
    return found && { person: found.person, document: found.document, checks: found.checks };
  };
}
