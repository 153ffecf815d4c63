import type { FastifyReply, FastifyRequest } from "fastify";
import type { FlowDeps, FlowSession } from "./deps.js";

const POLL_MS = 1000;
const MAX_STREAM_MS = 30 * 60_000;

/**
 * Server-sent events for the desktop that handed the flow to a phone: one `progress` event each
 * time the session's status or captured images change. The store is read, not this process's
 * memory, so the phone may be served by any instance (PostgreSQL or a shared SQLite file); one
 * small read a second per open desktop. Ends once the session left the flow, after 30 minutes, or
 * when the server shuts down (`open` holds the way to end each; EventSource reconnects by itself,
 * to another instance).
 */
export async function progressStream(request: FastifyRequest, reply: FastifyReply, deps: FlowDeps, session: FlowSession, open: Set<() => void>): Promise<void> {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-accel-buffering": "no",
    connection: "keep-alive",
    "x-request-id": request.id,
  });
  const ref = { sessionId: session.id, integrationId: session.integrationId };
  let last = "";
  let closed = false;
  const started = Date.now();
  const send = (current: FlowSession | undefined) => {
    const payload = JSON.stringify(current ? { status: current.status, captured: current.captured } : { status: "gone", captured: [] });
    if (payload !== last) out.write(`event: progress\ndata: ${payload}\n\n`);
    last = payload;
    return current !== undefined && ["created", "started", "resubmission_requested"].includes(current.status);
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    open.delete(finish);
    out.end();
  };
  open.add(finish);
  out.write("retry: 2000\n\n");
  let polling = false;
  const poll = async () => {
    if (closed || polling) return;
    polling = true;
    try {
      if (!send(await deps.state(ref)) || Date.now() - started > MAX_STREAM_MS) finish();
    } catch (error) {
      request.log.warn({ err: error }, "flow progress stream failed");
      finish();
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(poll, POLL_MS);
  request.raw.on("close", finish);
  await poll();
}
