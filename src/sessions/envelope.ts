import type { SessionsTable } from "../store/schema.js";
import type { SessionEnvelope } from "./schemas.js";
import type { SessionTokens } from "./token.js";

/**
 * The `verification` object integrators see for a session (create, GET, PATCH, list): the token is
 * re-signed from the stored iat, so it is the same bytes every time.
 */
export function sessionVerification(row: Pick<SessionsTable, "id" | "integration_id" | "token_iat" | "vendor_data" | "status">, tokens: Pick<SessionTokens, "sign">, publicUrl: string): SessionEnvelope["verification"] {
  const sessionToken = tokens.sign({ sessionId: row.id, integrationId: row.integration_id, iat: row.token_iat });
  return { id: row.id, url: `${publicUrl}/v/${sessionToken}`, vendorData: row.vendor_data, host: publicUrl, status: row.status, sessionToken };
}
