import { Type, type Static } from "typebox";
import { nullable } from "../http/route-schemas.js";

const text = (maxLength: number) => nullable(Type.String({ maxLength }));
const ISO_DATE = "^\\d{4}-\\d{2}-\\d{2}$";

export const DOCUMENT_TYPES = ["PASSPORT", "ID_CARD", "DRIVERS_LICENSE", "RESIDENCE_PERMIT"] as const;

export const PersonInput = Type.Object({
  firstName: Type.Optional(text(255)),
  lastName: Type.Optional(text(255)),
  idNumber: Type.Optional(text(100)),
  gender: Type.Optional(nullable(Type.String({ enum: ["M", "F", "MALE", "FEMALE"] }))),
  dateOfBirth: Type.Optional(nullable(Type.String({ pattern: ISO_DATE }))),
  email: Type.Optional(text(320)),
  phoneNumber: Type.Optional(text(50)),
});

export const DocumentInput = Type.Object({
  type: Type.Optional(nullable(Type.String({ enum: [...DOCUMENT_TYPES] }))),
  country: Type.Optional(nullable(Type.String({ pattern: "^[A-Za-z]{2}$" }))),
  number: Type.Optional(nullable(Type.String({ pattern: "^[A-Za-z0-9]+$", maxLength: 50 }))),
  firstIssue: Type.Optional(nullable(Type.String({ pattern: ISO_DATE }))),
});

export const CreateSessionBody = Type.Object({
  verification: Type.Object({
    callback: Type.Optional(text(2048)),
    person: Type.Optional(nullable(PersonInput)),
    document: Type.Optional(nullable(DocumentInput)),
    vendorData: Type.Optional(text(1000)),
    endUserId: Type.Optional(nullable(Type.String({ format: "uuid" }))),
    lang: Type.Optional(nullable(Type.String({ pattern: "^[A-Za-z]{2}([-_][A-Za-z]{2})?$" }))),
    timestamp: Type.Optional(nullable(Type.String({ maxLength: 64 }))),
    features: Type.Optional(nullable(Type.Array(Type.String(), { maxItems: 10 }))),
  }),
});
export type CreateSessionBody = Static<typeof CreateSessionBody>;
export type PersonInput = Static<typeof PersonInput>;
export type DocumentInput = Static<typeof DocumentInput>;

function pick<T extends object>(value: T | null | undefined, keys: readonly (keyof T)[]): T | null | undefined {
  if (value === null || value === undefined) return value;
  const picked: Partial<T> = {};
  for (const key of keys) if (value[key] !== undefined) picked[key] = value[key];
  return picked as T;
}

const PERSON_FIELDS = Object.keys(PersonInput.properties) as (keyof PersonInput)[];
const DOCUMENT_FIELDS = Object.keys(DocumentInput.properties) as (keyof DocumentInput)[];

/**
 * The body with only the fields the schema knows. Unknown fields are accepted and ignored: they
 * must not reach the store (person and document are kept whole, sealed), where an unknown, deeply
 * nested value would also be re-serialised.
 */
export function knownCreateFields(body: CreateSessionBody): CreateSessionBody {
  const { callback, person, document, vendorData, endUserId, lang, timestamp, features } = body.verification;
  const verification: CreateSessionBody["verification"] = { callback, vendorData, endUserId, lang, timestamp, features };
  if (person !== undefined) verification.person = pick(person, PERSON_FIELDS);
  if (document !== undefined) verification.document = pick(document, DOCUMENT_FIELDS);
  for (const key of Object.keys(verification) as (keyof typeof verification)[]) if (verification[key] === undefined) delete verification[key];
  return { verification };
}

import { SESSION_STATUSES, type SessionStatus } from "../store/schema.js";

/** A session's status in a schema: the enum of the store's statuses, typed as their union. */
export const SessionStatusSchema = () => Type.Unsafe<SessionStatus>(Type.String({ enum: [...SESSION_STATUSES] }));

export const SessionEnvelope = Type.Object({
  status: Type.Literal("success"),
  verification: Type.Object({
    id: Type.String({ format: "uuid" }),
    url: Type.String(),
    vendorData: Type.Union([Type.String(), Type.Null()]),
    host: Type.String(),
    status: SessionStatusSchema(),
    sessionToken: Type.String(),
  }),
});
export type SessionEnvelope = Static<typeof SessionEnvelope>;

export { ErrorBody } from "../http/route-schemas.js";

export const SessionIdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
