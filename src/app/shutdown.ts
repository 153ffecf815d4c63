import type { FastifyInstance } from "fastify";
import type { BackgroundTask } from "../background-task.js";

/** What is under way in one instance: requests (a hijacked stream's too) and webhook attempts. */
export interface InFlight {
  requests: number;
  webhookAttempts: number;
}

/** Counts the app's requests from their start to their response's close, whoever answered them. */
export function inFlightCounter(app: FastifyInstance, tasks: readonly BackgroundTask[]) {
  let requests = 0;
  let finished = 0;
  app.addHook("onRequest", async (_request, reply) => {
    requests++;
    reply.raw.once("close", () => {
      requests--;
      finished++;
    });
  });
  return {
    now: (): InFlight => ({ requests, webhookAttempts: tasks.reduce((sum, task) => sum + (task.inFlight?.() ?? 0), 0) }),
    /** Requests ended since the start (to count those a shutdown waited for). */
    finished: () => finished,
  };
}

export interface ShutdownReport {
  /** Everything in flight finished before the deadline. */
  clean: boolean;
  finished: InFlight;
  abandoned: InFlight;
}

/**
 * SIGTERM's work: no new connections (the listening socket closes first, idle keep-alive ones with
 * it; a request that still comes on a busy one gets 503), then Fastify's close, which waits for the
 * requests in flight and, in its preClose hooks, for the background tasks (the webhook dispatcher
 * finishes the attempts it started and records them). Logs what it found, what finished and what
 * the deadline cut off.
 */
export async function shutDown(app: FastifyInstance, counter: ReturnType<typeof inFlightCounter>, deadlineMs: number): Promise<ShutdownReport> {
  app.server.close();
  const atStart = counter.now();
  const finishedBefore = counter.finished();
  app.log.info({ inFlight: atStart, deadlineSeconds: deadlineMs / 1000 }, "shutting down: taking no new connections, finishing what is in flight");
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  const clean = await Promise.race([app.close().then(() => true), deadline]);
  clearTimeout(timer);
  const left = counter.now();
  const finished = { requests: counter.finished() - finishedBefore, webhookAttempts: Math.max(0, atStart.webhookAttempts - left.webhookAttempts) };
  const abandoned = clean ? { requests: 0, webhookAttempts: 0 } : left;
  if (clean) app.log.info({ finished }, "shutdown complete");
  else app.log.warn({ finished, abandoned }, `shutdown deadline of ${deadlineMs / 1000} s passed: abandoning what is still in flight`);
  return { clean, finished, abandoned };
}
