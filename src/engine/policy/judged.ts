import type { Check, CheckOutcome } from "../types.js";
import type { RuleName } from "./rules.js";

/** A check the policy made, with the rule that says what its failing leads to. */
export interface Judged {
  rule: RuleName;
  check: Check;
  /** A decline code worked out for this case (under-age codes depend on the minimum age), instead of the rule's. */
  declineCode?: number | null;
}

export function judged(rule: RuleName, outcome: CheckOutcome, evidence: Record<string, unknown>, measure: { score?: number | null; threshold?: number | null } = {}): Judged {
  return { rule, check: { name: rule, outcome, score: measure.score ?? null, threshold: measure.threshold ?? null, evidence } };
}
