import type { Actor } from "../audit/events.js";
import type { UploadBody } from "../media/schemas.js";
import type { Services } from "../services.js";
import type { FlowDeps, FlowRef, FlowSession, TokenResolution } from "./deps.js";
import { handoffRepo } from "./handoff-repo.js";
import { requestWindows } from "./rate-limit.js";

/** Flow API requests one session token may make a minute. */
export const FLOW_REQUESTS_PER_MINUTE = 120;

type FlowServices = Pick<Services, "store" | "config" | "tokens" | "sessions" | "lifecycle" | "integrations" | "media" | "mediaWork">;

/**
 * The one place where the flow meets the services the composition root built (app/compose.ts): the
 * session token becomes the end user's actor (sessions.endUserOf), and that actor is what the
 * lifecycle, the media service (the same upload path and worker pool as the API's) and the session
 * reads are given. A FlowRef only ever comes from a token endUserOf accepted (or from a hand-off code,
 * re-derived into that session's token), so the actor built from it is the token's own.
 */
export function flowDepsOf(services: FlowServices): FlowDeps {
  const { store, config, tokens, sessions, lifecycle, integrations, media, mediaWork } = services;
  const handoffs = handoffRepo(store.db);
  const windows = requestWindows(store.db, { limit: FLOW_REQUESTS_PER_MINUTE, windowMs: 60_000 });
  const endUser = (sessionId: string): Actor => ({ kind: "endUser", sessionId });

  async function state({ sessionId, integrationId }: FlowRef): Promise<FlowSession | undefined> {
    const actor = endUser(sessionId);
    const row = await sessions.visibleTo(actor, sessionId);
    if (!row || row.integration_id !== integrationId) return undefined;
    const integration = await integrations.getIntegration(integrationId);
    if (!integration || !integration.active) return undefined;
    const [init, decision, images] = await Promise.all([
      sessions.initData(store.db, row),
      row.status === "resubmission_requested" ? lifecycle.latestDecision(row.id) : undefined,
      media.listForSession({ actor, apiPrefix: "", sessionId: row.id }),
    ]);
    return {
      id: row.id,
      integrationId,
      status: row.status,
      lang: row.lang,
      callbackUrl: row.callback_url ?? integration.callbackUrl,
      document: { type: init.document?.type ?? null, country: init.document?.country ?? null },
      integration: { name: integration.name, frameAncestors: integration.frameAncestors },
      resubmissionReasonCode: decision?.reason_code ?? null,
      // Only the attempt in progress counts: a resubmission starts with nothing captured.
      captured: row.status === "started" ? [...new Set(images.images.map((image) => image.context))] : [],
    };
  }

  /** Why endUserOf refused a token: only an expired one we really signed gets its own page (jose checks the signature first). */
  const refusal = (token: string): Promise<TokenResolution> =>
    tokens.verify(token).then(
      () => ({ state: "invalid" }),
      (error: { code?: string }) => (error.code === "ERR_JWT_EXPIRED" ? { state: "expired" } : { state: "invalid" }),
    );

  return {
    publicUrl: config.publicUrl,
    state,

    async resolveToken(token: string): Promise<TokenResolution> {
      const actor = await sessions.endUserOf(token).catch(() => undefined);
      if (actor?.kind !== "endUser") return refusal(token);
      const row = await sessions.visibleTo(actor, actor.sessionId);
      const session = row && (await state({ sessionId: row.id, integrationId: row.integration_id }));
      return session ? { state: "valid", session } : { state: "invalid" };
    },

    async openFlow({ sessionId }: FlowRef): Promise<void> {
      await lifecycle.inLockedSession({ sessionId, actor: endUser(sessionId) }, async (locked) => {
        if (["created", "started", "resubmission_requested"].includes(locked.session.status)) await lifecycle.openAttempt(locked);
      });
    },

    decodeUpload: (raw) => mediaWork.decodeUpload(raw),

    async uploadImage({ sessionId }, context, content) {
      const image = { context: context as UploadBody["image"]["context"], content };
      // One image per context in the flow: a retake replaces the earlier capture.
      const uploaded = await media.upload({ actor: endUser(sessionId), apiPrefix: "/earthid/api", sessionId, image, replacing: true });
      return { id: uploaded.image.id };
    },

    async submit({ sessionId }: FlowRef): Promise<void> {
      await lifecycle.submit({ sessionId, actor: endUser(sessionId) });
    },

    createHandoff: (ref) => handoffs.create(ref),

    countRequest: (sessionId) => windows.take(sessionId),

    async redeemHandoff(code: string): Promise<string | undefined> {
      const ref = await handoffs.find(code);
      const row = ref && (await sessions.visibleTo(endUser(ref.sessionId), ref.sessionId));
      // The session's own token, the same bytes the integrator was handed (re-signed from its iat).
      return row && row.integration_id === ref.integrationId ? tokens.sign({ sessionId: row.id, integrationId: row.integration_id, iat: row.token_iat }) : undefined;
    },
  };
}
