import { loadConfig } from "../../src/config.js";
import { type ComposeOptions, type Services, composeServices } from "../../src/app/compose.js";
import { type JobKind, jobRunner } from "../../src/jobs/runner.js";
import type { Job, JobHandler } from "../../src/jobs/service.js";
import { silentLog, testEnvironment } from "../support/server.js";
import { ASSESS_JOB } from "../../src/verification/transitions.js";

/** The services of one instance on a fresh store, with no HTTP server and no background task running. */
export async function jobServices(extraEnv: Record<string, string> = {}, options: ComposeOptions = {}) {
  const environment = await testEnvironment(extraEnv);
  const services: Services = composeServices(loadConfig(environment.env), { log: silentLog }, options);
  await services.store.migrate();
  return {
    services,
    environment,
    async close() {
      await services.close();
      await environment.cleanup();
    },
  };
}

/** A clock the test moves by hand; it starts a minute ahead, so that jobs enqueued in the test are due. */
export function testClock(start = Date.now() + 60_000) {
  let at = start;
  return { now: () => at, advance: (ms: number) => void (at += ms) };
}

/** A handler that records its calls and does what the test tells it for each run. */
export function scriptedHandler(script: (job: Job, run: number) => Promise<void> = async () => {}) {
  const runs: Job[] = [];
  const givenUp: { job: Job; error: string }[] = [];
  const handler: JobHandler = {
    async run(job) {
      runs.push(job);
      await script(job, runs.length);
    },
    async giveUp(job, error) {
      givenUp.push({ job, error });
    },
  };
  return { handler, runs, givenUp };
}

export interface Logged {
  level: "warn" | "error";
  details: Record<string, unknown>;
  message: string;
}

/** A runner over the services' store for the given kinds, its log kept for the test to read. */
export function testRunner(services: Services, kinds: JobKind[], options: { now?: () => number; retryDelaysMs?: number[] } = {}) {
  const logged: Logged[] = [];
  const log = {
    warn: (details: object, message: string) => void logged.push({ level: "warn", details: details as Record<string, unknown>, message }),
    error: (details: object, message: string) => void logged.push({ level: "error", details: details as Record<string, unknown>, message }),
  };
  const runner = jobRunner({ repo: services.jobStore, queue: services.jobs, kinds, pollMs: 60_000, log, ...options });
  return { runner, logged };
}

/** Resolves at the next recorded run of a job of this process. */
export const nextEnded = (services: Services, id: string) =>
  new Promise<string>((resolve) => {
    const off = services.jobs.onEnded((job) => {
      if (job.id !== id) return;
      off();
      resolve(job.status);
    });
  });

/** One run of the job `jobId` by a runner of the instance's own kinds (one at a time, retries due at once): the status it recorded. */
export async function runJobOnce(services: Services, jobId: string): Promise<string> {
  const { runner } = testRunner(services, services.jobKinds.map((kind) => ({ ...kind, concurrency: 1 })), { retryDelaysMs: [0] });
  const ended = nextEnded(services, jobId);
  runner.start();
  const status = await ended;
  await runner.stop();
  return status;
}

/** The session's assessment job. */
export const assessJobOf = async (services: Services, sessionId: string) => (await services.jobs.list({ kind: ASSESS_JOB, limit: 1000 })).find((j) => j.subject === sessionId)!;
