import type { PolicyChange } from "../../assessment/policies.js";
import { refuse } from "../errors.js";

const NUMBER = /^\d+(\.\d+)?$/;
const WHOLE = /^\d+$/;

/**
 * The policy form's fields as a change, read as the CLI reads its options: text that is not a number
 * is refused here, naming the field; the ranges (threshold above 0 and at most 1, …) are the service's.
 */
export function policyChangeOf(form: Record<string, string | undefined>): PolicyChange {
  const number = (field: string, label: string) => {
    const raw = form[field]?.trim() ?? "";
    if (!NUMBER.test(raw)) throw refuse("BAD_INPUT", { detail: `${label} must be a number such as 0.58, got "${raw}". Nothing was changed.` });
    return Number(raw);
  };
  const age = form.minimumAge?.trim() ?? "";
  if (age !== "" && !WHOLE.test(age)) throw refuse("BAD_INPUT", { detail: `The minimum age must be a whole number of years, or empty for no age check; got "${age}". Nothing was changed.` });
  const specimens = form.specimens;
  if (specimens !== "flag" && specimens !== "decline") throw refuse("BAD_INPUT", { detail: "Choose what happens to specimen documents. Nothing was changed." });
  return { faceThreshold: number("faceThreshold", "The face similarity threshold"), reviewFrom: number("reviewFrom", "The review band's start"), minimumAge: age === "" ? null : Number(age), specimens };
}
