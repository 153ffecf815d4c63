import type { InitData } from "../sessions/init-data.js";
import { iso } from "../time.js";
import type { DecisionsTable, SessionsTable } from "../store/schema.js";

/**
 * Webhook bodies and the decision API share these builders, with the fields of docs/veriff-api.md §7.3/§7.4.
 * Until the engine extracts data, person and document are what the integrator sent.
 */

function genderOf(value: string | null | undefined): "M" | "F" | null {
  if (value === "M" || value === "MALE") return "M";
  if (value === "F" || value === "FEMALE") return "F";
  return null;
}

export function personOf(init: InitData) {
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

export function documentOf(init: InitData) {
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

export function decisionPayload(session: SessionFacts, decision: DecisionsTable, init: InitData) {
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
      person: personOf(init),
      document: documentOf(init),
      additionalVerifiedData: {},
      riskLabels: [] as unknown[],
      comments: [] as unknown[],
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
