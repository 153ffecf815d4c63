import { Type, type TSchema } from "typebox";
import type { ValidationRule } from "../http/validation-errors.js";
import { nullable } from "../http/route-schemas.js";
import { DECISION_STATUSES, type DecisionStatus } from "../store/schema.js";

/** Request and response schemas of the lifecycle endpoints (docs/veriff-api.md §4.1, §4.2, §4.5-4.7). */

const nullableString = () => nullable(Type.String());
const nullableInteger = () => nullable(Type.Integer());
/** Objects whose fields are described by docs/veriff-api.md §7.3 and may grow: passed through as built. */
const open = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** Veriff's body; legacy extras (frontState, timestamp) are accepted and ignored. */
export const SubmitBody = Type.Object({
  verification: Type.Object({
    status: Type.String({ maxLength: 64, description: "Only \"submitted\" is supported" }),
  }),
});

export const submitRules: readonly ValidationRule[] = [["verification.status", "type", "INVALID_STATUS"], ["verification.status", "maxLength", "INVALID_STATUS"]];

export const DeletedResponse = Type.Object({
  status: Type.Literal("success"),
  verification: Type.Object({ id: Type.String({ format: "uuid" }) }),
});

const DecisionVerification = Type.Object(
  {
    id: Type.String({ format: "uuid" }),
    attemptId: nullableString(),
    vendorData: nullableString(),
    endUserId: nullableString(),
    status: Type.Unsafe<DecisionStatus>(Type.String({ enum: [...DECISION_STATUSES] })),
    code: Type.Integer({ description: "9001, 9102, 9103, 9104 or 9121" }),
    reason: nullableString(),
    reasonCode: nullableInteger(),
    decisionTime: nullableString(),
    acceptanceTime: nullableString(),
    person: open("What is known of the person; null fields when the session's data was erased"),
    document: open("What is known of the document"),
    additionalVerifiedData: open("Reserved"),
    riskLabels: Type.Array(Type.Unknown()),
    comments: Type.Array(Type.Unknown()),
  },
  { additionalProperties: true },
);

export const DecisionResponse = Type.Object({
  status: Type.Literal("success"),
  verification: nullable(DecisionVerification),
  technicalData: Type.Optional(Type.Object({ ip: nullableString() }, { additionalProperties: true })),
});

export const PersonResponse = Type.Object({
  status: Type.Literal("success"),
  person: Type.Object({
    id: Type.String({ format: "uuid", description: "The session id: a person exists per session here" }),
    firstName: nullableString(),
    lastName: nullableString(),
    idCode: nullableString(),
    idNumber: nullableString(),
    dateOfBirth: nullableString(),
    gender: nullableString(),
    nationality: nullableString(),
    placeOfBirth: nullableString(),
    citizenships: Type.Array(Type.String()),
    pepSanctionMatches: Type.Array(Type.Unknown(), { description: "Always empty: no watchlist screening is performed" }),
  }),
});

export const AttemptsResponse = Type.Object({
  status: Type.Literal("success"),
  verifications: Type.Array(
    Type.Object({
      id: Type.String({ format: "uuid" }),
      status: Type.String(),
      createdTime: Type.String({ description: "ISO 8601" }),
    }),
  ),
});
