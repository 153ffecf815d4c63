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
