import { apiError } from "../errors.js";
import type { ValidationRule } from "../http/validation-errors.js";
import type { CreateSessionBody } from "./schemas.js";
import { callbackProblem } from "../integrations/urls.js";

/** Veriff's field-specific codes for schema failures of the create body (docs/veriff-api.md §3.1, §5.3). */
export const createSessionRules: readonly ValidationRule[] = [
  ["verification.vendorData", "type", "VENDOR_DATA_NOT_STRING"],
  ["verification.vendorData", "maxLength", "VENDOR_DATA_TOO_LONG"],
  ["verification.person.dateOfBirth", "pattern", "DATE_FORMAT"],
  ["verification.person.dateOfBirth", "type", "DATE_FORMAT"],
  ["verification.document.firstIssue", "pattern", "DATE_FORMAT"],
  ["verification.document.firstIssue", "type", "DATE_FORMAT"],
  ["verification.document.type", "*", "DOCUMENT_TYPE_UNSUPPORTED"],
  ["verification.document.country", "*", "COUNTRY_UNSUPPORTED"],
  ["verification.document.number", "pattern", "DOCUMENT_NUMBER_INVALID"],
  ["verification.timestamp", "*", "TIMESTAMP_FORMAT"],
  ["verification.features", "*", "FEATURES_UNSUPPORTED"],
];

// Codes ICU names that are not states: groupings and reserved user-assigned codes.
const NOT_COUNTRIES = new Set(["EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"]);

/** Every two-letter code ICU names a region for, but the groupings: built once, looked up per request. */
const COUNTRIES: ReadonlySet<string> = (() => {
  const regions = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
  const codes = new Set<string>();
  for (let first = 65; first <= 90; first++) {
    for (let second = 65; second <= 90; second++) {
      const code = String.fromCharCode(first, second);
      if (!NOT_COUNTRIES.has(code) && regions.of(code) !== undefined) codes.add(code);
    }
  }
  return codes;
})();

export function isCountryCode(code: string): boolean {
  return COUNTRIES.has(code);
}

/** True when `YYYY-MM-DD` names a real calendar day. */
export function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
export function checkCallback(value: string, isTestIntegration: boolean): void {
  const problem = callbackProblem(value, isTestIntegration);
  if (problem) throw apiError("CALLBACK_NOT_HTTPS", { field: "verification.callback", detail: problem.startsWith("must") ? problem : `(${problem})` });
}

// With the u flag a surrogate range matches only surrogates that are not part of a pair.
const NUL_OR_LONE_SURROGATE = /[\u0000\uD800-\uDFFF]/u;

/**
 * Text is stored and echoed as sent, so it must be well-formed Unicode without NUL: PostgreSQL
 * refuses NUL in text, and a lone surrogate would come back from the store as U+FFFD. Walks the
 * known fields only (the route drops the others), so the depth is bounded.
 */
function checkText(value: unknown, field: string): void {
  if (typeof value === "string") {
    if (NUL_OR_LONE_SURROGATE.test(value)) {
      throw apiError("INVALID_PARAMETER", { field, detail: "must be well-formed text without NUL characters" });
    }
  } else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) checkText(inner, `${field}.${key}`);
  }
}

/** Checks the schema cannot express: real dates, real countries, freshness, the callback rule. */
export function checkCreateSession(body: CreateSessionBody, isTestIntegration: boolean, now: number): void {
  const v = body.verification;
  checkText(v, "verification");
  if (v.callback) checkCallback(v.callback, isTestIntegration);
  const dob = v.person?.dateOfBirth;
  if (dob && (!isCalendarDate(dob) || Date.parse(dob) > now || dob < "1900-01-01")) {
    throw apiError("DOB_INVALID", { field: "verification.person.dateOfBirth" });
  }
  const firstIssue = v.document?.firstIssue;
  if (firstIssue && !isCalendarDate(firstIssue)) throw apiError("DATE_FORMAT", { field: "verification.document.firstIssue" });
  const country = v.document?.country;
  if (country && !isCountryCode(country.toUpperCase())) throw apiError("COUNTRY_UNSUPPORTED", { field: "verification.document.country" });
  if (v.timestamp) {
    const at = Date.parse(v.timestamp);
    if (!ISO_DATE_TIME.test(v.timestamp) || Number.isNaN(at) || !isCalendarDate(v.timestamp.slice(0, 10))) throw apiError("TIMESTAMP_FORMAT", { field: "verification.timestamp" });
    if (at < now - 3_600_000) throw apiError("TIMESTAMP_TOO_OLD", { field: "verification.timestamp" });
  }
  if (v.features && v.features.some((f) => f !== "selfid")) throw apiError("FEATURES_UNSUPPORTED", { field: "verification.features" });
}
