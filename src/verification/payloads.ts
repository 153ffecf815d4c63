import type { Kysely } from "kysely";
import type { InitData } from "../sessions/init-data.js";
import { iso } from "../time.js";
import type { Database, DecisionsTable, SessionsTable } from "../store/schema.js";

/**
 * Webhook bodies and the decision API share these builders, with the fields of docs/veriff-api.md §7.3/§7.4.
 * Person and document are what the engine read off the document when it assessed the decision's
 * attempt, else what the integrator sent.
 */

/** What the engine found on one attempt, as the payloads carry it (src/assessment/ records it, sealed). */
export interface EngineFindings {
  person: { firstName: string | null; lastName: string | null; dateOfBirth: string | null; gender: "M" | "F" | null; nationality: string | null; idNumber: string | null };
  document: { number: string | null; type: string | null; country: string | null; validUntil: string | null };
  /** Every check: name, outcome (pass / fail / inconclusive), score, threshold, evidence. */
  checks: { name: string; outcome: string; score: number | null; threshold: number | null; evidence: Record<string, unknown> }[];
}

/** The engine's findings on an attempt, opened in `trx`; undefined when the engine did not assess it or the data was erased. */
export type FindingsLookup = (trx: Kysely<Database>, session: Pick<SessionsTable, "id">, attemptId: string) => Promise<EngineFindings | undefined>;

function genderOf(value: string | null | undefined): "M" | "F" | null {
  if (value === "M" || value === "MALE") return "M";
  if (value === "F" || value === "FEMALE") return "F";
  return null;
}

export function personOf(init: InitData, found?: EngineFindings) {
  if (found) return personFound(found.person);
  const p = init.person ?? {};
  return {
    firstName: p.firstName ?? null,
    lastName: p.lastName ?? null,
    fullName: [p.firstName, p.lastName].filter(Boolean).join(" ") || null,
    dateOfBirth: p.dateOfBirth ?? null,
    yearOfBirth: p.dateOfBirth ? Number(p.dateOfBirth.slice(0, 4)) : null,
    placeOfBirth: null,
    gender: genderOf(p.gender),
    idNumber: p.idNumber ?? null,
    nationality: null,
    citizenship: null,
    pepSanctionMatch: null,
    addresses: [] as unknown[],
  };
}

function personFound(p: EngineFindings["person"]) {
  return {
    firstName: p.firstName,
    lastName: p.lastName,
    fullName: [p.firstName, p.lastName].filter(Boolean).join(" ") || null,
    dateOfBirth: p.dateOfBirth,
    yearOfBirth: p.dateOfBirth ? Number(p.dateOfBirth.slice(0, 4)) : null,
    placeOfBirth: null,
    gender: p.gender,
    idNumber: p.idNumber,
    nationality: p.nationality,
    citizenship: null,
    pepSanctionMatch: null,
    addresses: [] as unknown[],
  };
}

export function documentOf(init: InitData, found?: EngineFindings) {
  if (found) return { number: found.document.number, type: found.document.type, country: found.document.country, state: null, validFrom: null, validUntil: found.document.validUntil, firstIssue: null };
  const d = init.document ?? {};
  return {
    number: d.number ?? null,
    type: d.type ?? null,
    country: d.country ? d.country.toUpperCase() : null,
    state: null,
    validFrom: null,
    validUntil: null,
    firstIssue: d.firstIssue ?? null,
  };
}

type SessionFacts = Pick<SessionsTable, "id" | "vendor_data" | "end_user_id" | "created_at">;

/** With `found`, the person and document read off the document, and `checks` (ours, not Veriff's): every check the engine made. */
export function decisionPayload(session: SessionFacts, decision: DecisionsTable, init: InitData, found?: EngineFindings) {
  return {
    status: "success",
    verification: {
      id: session.id,
      attemptId: decision.attempt_id,
      vendorData: session.vendor_data,
      endUserId: session.end_user_id,
      status: decision.status,
      code: decision.code,
      reason: decision.reason,
      reasonCode: decision.reason_code,
      decisionTime: iso(decision.decided_at),
      acceptanceTime: iso(session.created_at),
      person: personOf(init, found),
      document: documentOf(init, found),
      additionalVerifiedData: {},
      riskLabels: [] as unknown[],
      comments: [] as unknown[],
      ...(found ? { checks: found.checks } : {}),
    },
    technicalData: { ip: null },
  };
}

export function eventPayload(session: SessionFacts, attemptId: string, code: 7001 | 7002) {
  return {
    id: session.id,
    attemptId,
    feature: "selfid",
    code,
    action: code === 7001 ? "started" : "submitted",
    vendorData: session.vendor_data,
    endUserId: session.end_user_id,
  };
}
