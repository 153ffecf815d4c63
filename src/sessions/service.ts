import type { Keyring } from "../crypto/keyring.js";
import type { Kysely } from "kysely";
import { apiError } from "../errors.js";
import type { Database } from "../store/schema.js";
import { seal } from "../crypto/sealing.js";
import { randomBytesPooled } from "../crypto/random.js";
import type { IntegrationAuth } from "../integrations/service.js";
import type { Actor } from "../audit/events.js";
import { type QueueFilter, type SessionRepo, type SessionRow, queueOrder } from "./repo.js";
import type { VendorDataCodec } from "./vendor-data.js";
import type { CreateSessionBody, SessionEnvelope } from "./schemas.js";
import type { SessionTokens } from "./token.js";
import { checkCreateSession } from "./create-checks.js";
import { sessionVerification } from "./envelope.js";
import { isUuid, newRowId } from "../store/ids.js";
import { type InitData, initDataAad, openInitData, openSessionKey, sessionKeyAad } from "./init-data.js";

export interface SessionServiceDeps {
  repo: SessionRepo;
  tokens: Pick<SessionTokens, "sign" | "verify">;
  masterKey: Keyring;
  /** Seals vendorData and hashes it for the filter (the repo opens it again). */
  vendorData: Pick<VendorDataCodec, "columns">;
  publicUrl: string;
  now?: () => number;
  onCreated?: (integration: IntegrationAuth) => void;
}


/** What the integrator told us about the person, kept sealed under the session's data key. */
function initData(v: CreateSessionBody["verification"]): string | null {
  const data: Record<string, unknown> = {};
  if (v.person) data.person = v.person;
  if (v.document) data.document = { ...v.document, country: v.document.country?.toUpperCase() ?? v.document.country };
  return Object.keys(data).length > 0 ? JSON.stringify(data) : null;
}

/**
 * Sessions: creation, the integrator's reads, and the one place the sessions and session_keys
 * tables are reached from. The verification capability changes a session's state through the
 * `trx` verbs below, inside its own transactions.
 */
export function sessionService({ repo, tokens, masterKey, vendorData, publicUrl, now = Date.now, onCreated }: SessionServiceDeps) {
  const envelope = (row: SessionRow): SessionEnvelope => ({ status: "success", verification: sessionVerification(row, tokens, publicUrl) });

  /** The integration's own live session; undefined for another integration's, a deleted one or a malformed id. */
  const findOwn = async (integrationId: string, id: string): Promise<SessionRow | undefined> =>
    isUuid(id) ? repo.findForIntegration(integrationId, id.toLowerCase()) : undefined;

  /**
   * The live session `actor` may see, or undefined: an integrator its own sessions, an end user the
   * one session of its token, the others (reviewer, operator, engine, the service itself) any.
   */
  async function visibleTo(actor: Actor, id: string): Promise<SessionRow | undefined> {
    if (actor.kind === "integrator") return findOwn(actor.integrationId, id);
    if (!isUuid(id) || (actor.kind === "endUser" && actor.sessionId !== id.toLowerCase())) return undefined;
    const row = await repo.findAny(id.toLowerCase());
    return row && row.deleted_at === null ? row : undefined;
  }

  /** The same, where every such case is the one answer: 404 Session not found. */
  async function sessionFor(actor: Actor, id: string): Promise<SessionRow> {
    const row = await visibleTo(actor, id);
    if (!row) throw apiError("NOT_FOUND", { what: "Session" });
    return row;
  }

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
        ...vendorData.columns(id, dataKey, v.vendorData ?? null),
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
      return envelope({ ...session, vendor_data: v.vendorData ?? null });
    },

    async getSession({ actor, id }: { actor: Actor; id: string }): Promise<SessionEnvelope> {
      return envelope(await sessionFor(actor, id));
    },

    sessionFor,
    visibleTo,

    /**
     * The end user a session token speaks for: the hosted flow's one credential. A token that does
     * not verify (forged, expired, another installation's) or whose session is gone is a 404, as
     * a session the caller may not see is everywhere else.
     */
    async endUserOf(token: string): Promise<Actor> {
      const claims = await tokens.verify(token).catch(() => undefined);
      const session = claims ? await repo.findAny(claims.session_id) : undefined;
      if (!claims || !session || session.deleted_at !== null || session.integration_id !== claims.iid) throw apiError("NOT_FOUND", { what: "Session" });
      return { kind: "endUser", sessionId: session.id };
    },

    /** The session's data key, opened (in `trx` when given); undefined once it was destroyed (the session's data erased). */
    async dataKey(sessionId: string, trx?: Kysely<Database>): Promise<Buffer | undefined> {
      const sealed = await repo.findKey(sessionId, trx);
      return sealed ? openSessionKey(masterKey, sealed) : undefined;
    },

    /** What the integrator sent about the person and the document, opened in `trx`; {} once erased. */
    async initData(trx: Kysely<Database>, session: SessionRow): Promise<InitData> {
      if (!session.init_data_sealed) return {};
      const key = await repo.findKey(session.id, trx);
      return key ? openInitData(openSessionKey(masterKey, key), session) : {};
    },

    /**
     * Sessions of one status across integrations, for an actor that may see them all (a reviewer).
     * By vendorData without an integration: one read per integration that `integrationIds` lists,
     * asked for only then (the vendorData index starts with the integration; integrations are few),
     * merged in the queue's order.
     */
    async queue(actor: Actor, filter: QueueFilter, integrationIds: () => Promise<readonly string[]>): Promise<SessionRow[]> {
      if (actor.kind !== "reviewer" && actor.kind !== "operator") throw apiError("NOT_FOUND", { what: "Session" });
      if (!filter.vendorData || filter.integrationId) return repo.queue(filter);
      const each = await Promise.all((await integrationIds()).map((integrationId) => repo.queue({ ...filter, integrationId })));
      return each.flat().sort(queueOrder(filter.status)).slice(0, filter.limit);
    },

    /**
     * Migration 0009's backfill, which needs the keys: vendorData written in clear before it is
     * sealed and hashed; an erased session's is dropped. Run after migrating; idempotent. Returns the rows changed.
     */
    async sealPlainVendorData(): Promise<number> {
      let changed = 0;
      for (;;) {
        const rows = await repo.plainVendorData(500);
        if (rows.length === 0) return changed;
        for (const row of rows) {
          const dataKey = row.key_sealed === null ? undefined : openSessionKey(masterKey, { session_id: row.id, key_sealed: row.key_sealed });
          await repo.setVendorData(row.id, vendorData.columns(row.id, dataKey ?? Buffer.alloc(0), dataKey ? row.vendor_data : null));
        }
        changed += rows.length;
      }
    },

    lock: repo.lock,
    update: repo.update,
    destroyKey: repo.destroyKey,
    createdBefore: repo.createdBefore,
    erasableBefore: repo.erasableBefore,
    findAny: repo.findAny,
  };
}

export type SessionService = ReturnType<typeof sessionService>;
