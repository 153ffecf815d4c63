import type { Runtime } from "../runtime.js";
import { mediaServiceFor } from "../media/service.js";
import type { UploadBody } from "../media/schemas.js";
import { type MediaWork, mediaWork } from "../media/work.js";
import { sessionRepo } from "../sessions/repo.js";
import { sessionTokens } from "../sessions/token.js";
import { isUuid } from "../sessions/service.js";
import type { FlowDeps, FlowRef, FlowSession, TokenResolution } from "./deps.js";
import { handoffRepo } from "./handoff-repo.js";

/**
 * The one place where the flow meets today's services: tokens (sessions/token.ts), sessions and
 * their lifecycle, the media service (the same upload path as the API's) and integrations. When the
 * services move, this file is re-pointed and nothing else in src/flow changes.
 */
export function flowDepsOf(runtime: Runtime, work: MediaWork = mediaWork()): FlowDeps & { close(): Promise<void> } {
  const { store, lifecycle, integrations, config } = runtime;
  const tokens = sessionTokens(runtime.tokenSecret);
  const sessions = sessionRepo(store.db, store.kind);
  const media = mediaServiceFor(runtime, work);
  const handoffs = handoffRepo(store.db);

  async function state({ sessionId, integrationId }: FlowRef): Promise<FlowSession | undefined> {
    const row = isUuid(sessionId) ? await sessions.findForIntegration(integrationId, sessionId) : undefined;
    const integration = row && (await integrations.getIntegration(integrationId));
    if (!row || !integration || !integration.active) return undefined;
    const [init, decision, images] = await Promise.all([
      lifecycle.initData(store.db, row),
      row.status === "resubmission_requested" ? lifecycle.latestDecision(row.id) : undefined,
      media.listForSession({ integrationId, apiPrefix: "", sessionId: row.id }),
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

  return {
    publicUrl: config.publicUrl,
    state,

    async resolveToken(token: string): Promise<TokenResolution> {
      try {
        const claims = await tokens.verify(token);
        const session = await state({ sessionId: claims.session_id, integrationId: claims.iid });
        return session ? { state: "valid", session } : { state: "invalid" };
      } catch (error) {
        // jose checks the signature before the claims: an expired token is one we really issued.
        return (error as { code?: string }).code === "ERR_JWT_EXPIRED" ? { state: "expired" } : { state: "invalid" };
      }
    },

    async openFlow({ sessionId, integrationId }: FlowRef): Promise<void> {
      await lifecycle.inLockedSession({ sessionId, integrationId, actor: "end-user" }, async (locked) => {
        if (["created", "started", "resubmission_requested"].includes(locked.session.status)) await lifecycle.openAttempt(locked);
      });
    },

    decodeUpload: (raw) => work.decodeUpload(raw, null),

    async uploadImage({ sessionId, integrationId }, context, content) {
      const image = { context: context as UploadBody["image"]["context"], content };
      const uploaded = await media.upload({ integrationId, apiPrefix: "/earthid/api", sessionId, image, actor: "end-user" });
      return { id: uploaded.image.id };
    },

    async submit({ sessionId, integrationId }: FlowRef): Promise<void> {
      await lifecycle.submit({ sessionId, integrationId, actor: "end-user" });
    },

    createHandoff: (ref) => handoffs.create(ref),

    async redeemHandoff(code: string): Promise<string | undefined> {
      const ref = await handoffs.find(code);
      const row = ref && (await sessions.findForIntegration(ref.integrationId, ref.sessionId));
      // The session's own token, the same bytes the integrator was handed (re-signed from its iat).
      return row ? tokens.sign({ sessionId: row.id, integrationId: row.integration_id, iat: row.token_iat }) : undefined;
    },

    close: () => work.close(),
  };
}
