import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { BackofficeDeps, QueueFilter } from "../deps.js";
import { Refusal, refuse } from "../errors.js";
import { queuePage, STATUSES } from "../pages/queue.js";
import { sessionPage } from "../pages/session.js";
import type { ReviewDesk } from "../review.js";
import type { Door } from "./door.js";
import { actor, pageContext, sendPage } from "./scope.js";

type Query = Record<string, string | undefined>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Notices carried across a redirect as a fixed word, never as text from the request. */
const DONE: Record<string, string> = {
  approved: "Decision recorded: approved. The decision webhook is queued.",
  declined: "Decision recorded: declined. The decision webhook is queued.",
  resubmission_requested: "Decision recorded: resubmission requested. The decision webhook is queued.",
  assigned: "The case is assigned to you.",
  totp: "Two-factor login is on.",
  resent: "The webhook is queued to be sent again.",
  deactivated: "The integration is deactivated: its API key is refused from now on.",
  saved: "Saved (recorded in the audit trail). A running server uses the new settings at once.",
  policy: "New policy version saved (recorded in the audit trail): the engine decides the next submissions by it.",
};
export const notices = (query: Query) => (query.done && DONE[query.done] ? { flash: DONE[query.done]! } : {});

function queueFilter(query: Query): QueueFilter & { fromText: string; toText: string } {
  const status = query.status && STATUSES.includes(query.status) ? query.status : "review";
  const fromText = query.from && DAY.test(query.from) ? query.from : "";
  const toText = query.to && DAY.test(query.to) ? query.to : "";
  const day = (text: string, plus = 0) => (text ? Date.parse(`${text}T00:00:00Z`) + plus : undefined);
  return {
    status,
    integrationId: query.integration && UUID.test(query.integration) ? query.integration : undefined,
    from: day(fromText),
    to: day(toText, 86_400_000),
    vendorData: query.vendorData ? query.vendorData.slice(0, 1000) : undefined,
    fromText,
    toText,
    limit: 100,
  };
}

/** The :id of the route (a session's or a media's), which must be one of our UUIDs. */
const sessionId = (request: FastifyRequest) => {
  const id = (request.params as { id: string }).id;
  if (!UUID.test(id)) throw refuse("NOT_FOUND");
  return id.toLowerCase();
};

/** The queue, one case, its images, taking it and deciding it. */
export async function reviewRoutes(app: FastifyInstance, { deps, desk, door }: { deps: BackofficeDeps; desk: ReviewDesk; door: Door }): Promise<void> {
  const { adminPath } = door;
  const member = { config: { access: "member" as const } };

  async function renderSession(request: FastifyRequest, reply: FastifyReply, id: string, status = 200, extra: { flash?: string; error?: string } = {}) {
    const me = actor(request);
    const session = await deps.sessions.detail(me.id, id);
    if (!session) throw refuse("NOT_FOUND");
    const [, integrations, reviews, deliveries] = await Promise.all([
      deps.sessions.recordView({ session, reviewerId: me.id, mediaId: null }),
      deps.integrations.list(),
      desk.history(id),
      deps.deliveries.list({ sessionId: id, limit: 50 }),
    ]);
    const current = reviews.find((r) => r.attempt_id === session.attemptId && r.decided_at === null);
    const view = {
      session,
      integrationName: integrations.find((i) => i.id === session.integrationId)?.name ?? session.integrationId,
      holder: current ? { email: current.email, mine: current.reviewer_id === me.id } : null,
      reviews,
      deliveries,
    };
    return sendPage(reply, sessionPage(pageContext(request, door), view, { ...notices(request.query as Query), ...extra }), status);
  }

  app.get("/queue", member, async (request, reply) => {
    const filter = queueFilter(request.query as Query);
    const me = actor(request);
    const [entries, integrations] = await Promise.all([desk.queue(me, filter), deps.integrations.list()]);
    return sendPage(reply, queuePage(pageContext(request, door), { filter, entries, integrations, me: me.email, now: Date.now() }, notices(request.query as Query)));
  });

  app.get("/sessions/:id", member, async (request, reply) => renderSession(request, reply, sessionId(request)));

  app.post("/sessions/:id/assign", member, async (request, reply) => {
    const id = sessionId(request);
    try {
      await desk.assign(actor(request), id);
      return reply.redirect(adminPath(`sessions/${id}?done=assigned`), 303);
    } catch (error) {
      if (!(error instanceof Refusal) || error.refusal === "NOT_FOUND") throw error;
      return renderSession(request, reply, id, error.status, { error: error.message });
    }
  });

  app.post("/sessions/:id/decision", member, async (request, reply) => {
    const id = sessionId(request);
    const form = (request.body ?? {}) as Query;
    const code = form.reasonCode && /^\d{1,4}$/.test(form.reasonCode) ? Number(form.reasonCode) : null;
    try {
      const decision = await desk.decide(actor(request), { sessionId: id, verdict: form.verdict ?? "", reasonCode: code, note: form.note?.trim() || null });
      const next = await desk.next(actor(request));
      return reply.redirect(next ? adminPath(`sessions/${next}?done=${decision.status}`) : adminPath(`queue?done=${decision.status}`), 303);
    } catch (error) {
      if (!(error instanceof Refusal) || error.refusal === "NOT_FOUND") throw error;
      return renderSession(request, reply, id, error.status, { error: error.message });
    }
  });

  app.get("/media/:id", member, async (request, reply) => {
    const mediaId = sessionId(request);
    const file = await deps.sessions.openMedia(actor(request).id, mediaId);
    if (!file) throw refuse("NOT_FOUND");
    await deps.sessions.recordView({ session: file.session, reviewerId: actor(request).id, mediaId });
    // Identity images: never kept by the browser or a proxy, never sniffed as anything else.
    return reply.header("cache-control", "no-store").header("content-disposition", "inline").type(file.mimetype).send(file.bytes);
  });
}
