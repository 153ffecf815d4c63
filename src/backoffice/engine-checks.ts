import type { EngineFindings } from "../verification/payloads.js";
import type { SessionDetail } from "./deps.js";

/** The engine's checks as the session page lists them: an inconclusive check neither passed nor failed. */
export function engineChecks(found: EngineFindings | undefined): SessionDetail["checks"] {
  return (found?.checks ?? []).map((c) => ({
    name: c.name,
    score: c.score === null ? null : Math.round(c.score * 1000) / 1000,
    threshold: c.threshold,
    passed: c.outcome === "inconclusive" ? null : c.outcome === "pass",
    evidence: Object.keys(c.evidence).length === 0 ? null : JSON.stringify(c.evidence),
  }));
}
