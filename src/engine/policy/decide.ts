import type { Check } from "../types.js";
import { documentChecks } from "./document-checks.js";
import { duplicateChecks, faceChecks } from "./face-checks.js";
import type { Decision, DecisionInput } from "./input.js";
import { type Judged, judged } from "./judged.js";
import type { Action } from "./policy.js";
import { REASONS } from "../../reason-codes.js";
import { RULES, type RuleName } from "./rules.js";

const ORDER = Object.keys(RULES) as RuleName[];
const STATUS = { decline: ["declined", 9102], resubmit: ["resubmission_requested", 9103], review: ["review", 9121] } as const;

/**
 * The decision on one attempt: every check made from the readings, then the strongest action any of
 * them calls for (decline, then a new attempt, then a person's look; approved when none does),
 * with the reason of the first rule, in RULES' order, that calls for it. A failed check takes the
 * action the integration's policy gives its rule; an inconclusive one always asks for a person.
 */
export function decide(input: DecisionInput): Decision {
  const { document, documentFace, selfieFace, session, duplicates, policy, now } = input;
  const all: Judged[] = [...duplicateChecks(duplicates)];
  const signals: Check[] = [];
  if (!(input.submitted?.document ?? (document && documentFace))) all.push(judged("media.document", "fail", { reason: "no document image was submitted, or it was not read" }));
  if (!(input.submitted?.selfie ?? selfieFace)) all.push(judged("media.selfie", "fail", { reason: "no selfie was submitted" }));
  const documentJudged = document ? documentChecks(document, session, policy, now) : [];
  all.push(...documentJudged);
  if (documentFace && selfieFace) {
    const imageOk = documentJudged.find((j) => j.rule === "document.image_quality")?.check.outcome !== "fail";
    const faces = faceChecks(documentFace, selfieFace, imageOk, policy);
    all.push(...faces.judged);
    signals.push(...faces.signals);
  }
  all.sort((a, b) => ORDER.indexOf(a.rule) - ORDER.indexOf(b.rule));

  const actionOf = (j: Judged): Action | null => (j.check.outcome === "fail" ? (policy.actions[j.rule] ?? RULES[j.rule].action) : j.check.outcome === "inconclusive" ? "review" : null);
  const checks = [...(document?.checks ?? []), ...all.map((j) => j.check), ...signals];
  for (const action of ["decline", "resubmit", "review"] as const) {
    const first = all.find((j) => actionOf(j) === action);
    if (!first) continue;
    const [status, code] = STATUS[action];
    const rule = RULES[first.rule];
    const reasonCode = action === "decline" ? (first.declineCode !== undefined ? first.declineCode : rule.decline) : action === "resubmit" ? rule.resubmit : null;
    const said = first.check.outcome === "inconclusive" ? rule.unsure : rule.fail;
    return { status, code, reasonCode, reason: reasonCode === null ? said : (REASONS[reasonCode] ?? said), checks, policyVersion: policy.version };
  }
  return { status: "approved", code: 9001, reasonCode: null, reason: null, checks, policyVersion: policy.version };
}
