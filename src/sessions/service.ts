import { apiError } from "../errors.js";
import { seal } from "../crypto/sealing.js";
import { randomBytesPooled } from "../crypto/random.js";
import type { IntegrationAuth } from "../integrations/service.js";
import type { SessionRepo, SessionRow } from "./repo.js";
import type { CreateSessionBody, SessionEnvelope } from "./schemas.js";
import type { SessionTokens } from "./token.js";
import { checkCreateSession } from "./create-checks.js";
import { sessionVerification } from "./envelope.js";
import { newRowId } from "../store/ids.js";
import { openSessionKey } from "./init-data.js";

export interface SessionServiceDeps {
  repo: Pick<SessionRepo, "insert" | "findForIntegration" | "findKey">;
  tokens: Pick<SessionTokens, "sign">;
  masterKey: Buffer;
  publicUrl: string;
  now?: () => number;
  onCreated?: (integration: IntegrationAuth) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

export const sessionKeyAad = (sessionId: string) => `session-key:${sessionId}`;
export const initDataAad = (sessionId: string) => `session-init:${sessionId}`;

/** What the integrator told us about the person, kept sealed under the session's data key. */
function initData(v: CreateSessionBody["verification"]): string | null {
  const data: Record<string, unknown> = {};
  if (v.person) data.person = v.person;
  if (v.document) data.document = { ...v.document, country: v.document.country?.toUpperCase() ?? v.document.country };
  return Object.keys(data).length > 0 ? JSON.stringify(data) : null;
}

export function sessionService({ repo, tokens, masterKey, publicUrl, now = Date.now, onCreated }: SessionServiceDeps) {
  const envelope = (row: SessionRow): SessionEnvelope => ({ status: "success", verification: sessionVerification(row, tokens, publicUrl) });

  return {
    async createSession({ integration, body }: { integration: IntegrationAuth; body: CreateSessionBody }): Promise<SessionEnvelope> {
      const at = now();
      checkCreateSession(body, integration.isTest, at);
      const v = body.verification;
      const id = newRowId(at);
      const dataKey = randomBytesPooled(32);
      const init = initData(v);
      const session: SessionRow = {
        id,
        integration_id: integration.id,
        status: "created",
        vendor_data: v.vendorData ?? null,
        end_user_id: v.endUserId ?? null,
        callback_url: v.callback ?? integration.callbackUrl,
        lang: v.lang ?? null,
        init_data_sealed: init === null ? null : seal(dataKey, init, initDataAad(id)),
        token_iat: Math.floor(at / 1000),
        created_at: at,
        updated_at: at,
        current_attempt_id: null,
        started_at: null,
        submitted_at: null,
        decided_at: null,
        deleted_at: null,
        erased_at: null,
      };
      await repo.insert({ session, key: { session_id: id, key_sealed: seal(masterKey, dataKey, sessionKeyAad(id)) } });
      onCreated?.(integration);
      return envelope(session);
    },

    async getSession({ integration, id }: { integration: IntegrationAuth; id: string }): Promise<SessionEnvelope> {
      const row = isUuid(id) ? await repo.findForIntegration(integration.id, id.toLowerCase()) : undefined;
      if (!row) throw apiError("NOT_FOUND", { what: "Session" });
      return envelope(row);
    },

    /** The session's data key, opened; undefined once it was destroyed (the session's data erased). */
    async dataKey(sessionId: string): Promise<Buffer | undefined> {
      const sealed = await repo.findKey(sessionId);
      return sealed ? openSessionKey(masterKey, sealed) : undefined;
    },
  };
}

export type SessionService = ReturnType<typeof sessionService>;
