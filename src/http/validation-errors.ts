import type { FastifySchemaValidationError } from "fastify";
import type { SchemaErrorDataVar } from "fastify/types/schema.js";
import { ApiError, apiError, type ErrorName } from "../errors.js";

/** `/verification/person/dateOfBirth` → `verification.person.dateOfBirth`. */
export function fieldName(error: FastifySchemaValidationError): string {
  const base = error.instancePath.split("/").filter(Boolean).join(".");
  const missing = error.keyword === "required" ? (error.params as { missingProperty?: string }).missingProperty : undefined;
  return [base, missing].filter(Boolean).join(".") || "body";
}

function describe(error: FastifySchemaValidationError): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "type":
      return `must be ${String(p.type).replace(",", " or ")}`;
    case "enum":
      return `must be one of ${(p.allowedValues as unknown[]).join(", ")}`;
    case "maxLength":
      return `must be at most ${String(p.limit)} characters`;
    case "maxItems":
      return `must have at most ${String(p.limit)} items`;
    case "format":
      return `must be a valid ${String(p.format)}`;
    case "pattern":
      return "has an invalid format";
    default:
      return error.message ?? "is invalid";
  }
}

/** A rule picks the catalogue error for a failed schema keyword at a field ("*" = any keyword). */
export type ValidationRule = readonly [field: string, keyword: string, error: ErrorName];

/**
 * Turns Ajv's first error into a catalogue error: a route's own rules first (Veriff's field-specific
 * codes), then 1102 for a missing field and 1104 for any other invalid one. The message names the field.
 */
export function validationErrorFormatter(rules: readonly ValidationRule[] = []) {
  return (errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): ApiError => {
    const first = errors[0];
    if (!first) return apiError("VALIDATION_FAILED", { detail: dataVar });
    const field = fieldName(first);
    const rule = rules.find(([f, k]) => f === field && (k === "*" || k === first.keyword));
    if (rule) return apiError(rule[2], { field, detail: describe(first) });
    if (first.keyword === "required") return apiError("MANDATORY_MISSING", { field });
    return apiError("INVALID_PARAMETER", { field: dataVar === "body" ? field : `${dataVar} ${field}`, detail: describe(first) });
  };
}
