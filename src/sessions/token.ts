import { createHmac } from "node:crypto";
import { jwtVerify } from "jose";

/** Seven days, as Veriff's tokens and the seed contract say. */
export const SESSION_TOKEN_TTL_SECONDS = 604_800;

export interface SessionTokenClaims {
  session_id: string;
  iid: string;
  iat: number;
  exp: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

/**
 * HS256 session tokens. Signing sits on the create hot path and is a single HMAC, so it is done with
 * node:crypto directly (same bytes jose would produce); verification, which must reject every
 * malformed or forged token, goes through jose.
 */
export function sessionTokens(secret: Buffer) {
  return {
    sign(claims: { sessionId: string; integrationId: string; iat: number }): string {
      const payload = Buffer.from(
        JSON.stringify({ session_id: claims.sessionId, iid: claims.integrationId, iat: claims.iat, exp: claims.iat + SESSION_TOKEN_TTL_SECONDS }),
      ).toString("base64url");
      const signingInput = `${HEADER}.${payload}`;
      return `${signingInput}.${createHmac("sha256", secret).update(signingInput).digest("base64url")}`;
    },

    /** Resolves to the claims of a valid, unexpired token; rejects otherwise. */
    async verify(token: string): Promise<SessionTokenClaims> {
      const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"], requiredClaims: ["session_id", "iat", "exp"] });
      if (typeof payload.session_id !== "string" || typeof payload.iid !== "string") throw new Error("session token lacks session_id or iid");
      return payload as unknown as SessionTokenClaims;
    },
  };
}

export type SessionTokens = ReturnType<typeof sessionTokens>;
