import { Type, type TSchema } from "typebox";
import type { ValidationRule } from "../http/validation-errors.js";

/** Request and response schemas of the lifecycle endpoints (reference §4.1, §4.2, §4.5-4.7). */

const nullable = <T extends TSchema>(schema: T) => Type.Unsafe({ ...schema, type: [(schema as unknown as { type: string }).type, "null"] });
const nullableString = () => Type.Union([Type.String(), Type.Null()]);
const nullableInteger = () => Type.Union([Type.Integer(), Type.Null()]);
/** Objects whose fields are described by reference §7.3 and may grow: passed through as built. */
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
    status: Type.String({ enum: ["approved", "declined", "resubmission_requested", "review", "expired", "abandoned"] }),
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
