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
