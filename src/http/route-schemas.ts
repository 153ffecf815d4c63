import { Type, type Static, type TSchema } from "typebox";

/** Optional fields may also be sent as null, as many generated clients do (an enum must list null too). */
export const nullable = <T extends TSchema>(schema: T) => {
  const { type, enum: values } = schema as unknown as { type: string; enum?: unknown[] };
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, "null"], ...(values ? { enum: [...values, null] } : {}) });
};

/** Every error body the API sends (src/errors.ts, written by http/errors-plugin.ts). */
export const ErrorBody = Type.Object({
  status: Type.Literal("fail"),
  code: Type.String(),
  message: Type.String(),
});

/** The request headers every integrator route documents in the OpenAPI description. */
export function authHeadersSignedOver(what: string) {
  return {
    type: "object",
    properties: {
      "x-auth-client": { type: "string", description: "Integration API key (UUID)" },
      "x-hmac-signature": { type: "string", description: `Hex HMAC-SHA256 ${what}, keyed with the shared secret` },
    },
  } as const;
}

export const authHeaders = authHeadersSignedOver("of the signed string (raw body, or the id in the path)");

/** Our own extensions' headers: the timestamped signature only (src/http/timestamped-auth.ts). */
export const extensionAuthHeaders = {
  type: "object",
  properties: {
    "x-auth-client": { type: "string", description: "Integration API key (UUID)" },
    "x-earthid-signature": {
      type: "string",
      description: 't=<unix seconds>,v1=<hex HMAC-SHA256, keyed with the shared secret, of "<t>.<METHOD>.<path?query>.<body>">; path and query exactly as sent, body the exact bytes (empty when none); t within 5 minutes',
    },
  },
} as const;

/** How the description of an extension says it is signed. */
export const EXTENSION_SIGNING = "Signed with x-earthid-signature (timestamped, over method, path, query and body; X-HMAC-SIGNATURE is not accepted here).";
