import { SYSTEM, TEST_MODE, type Actor } from "../audit/events.js";
import { ApiError } from "../errors.js";
import type { Job, JobHandler } from "../jobs/service.js";
import type { DecisionsTable } from "../store/schema.js";
import { type Verdict, forcedTestVerdict } from "./states.js";
import type { AssessPayload, SessionLifecycle } from "./transitions.js";

export type AssessJob = Job<AssessPayload>;

/**
 * What assesses a submitted attempt that no test verdict decides: the engine's service once it runs
 * here (its `assess` decides through `decideSubmitted`; its `giveUp`, if it has one, replaces the
 * default below).
 */
export interface Assessment {
  assess(job: AssessJob): Promise<void>;
  giveUp?(job: AssessJob, error: string): Promise<void>;
}

export interface SubmittedVerdict extends AssessPayload {
  verdict: Verdict;
  reasonCode?: number | null;
  reason?: string | null;
  actor: Actor;
  /** Why the verdict was made without an assessment; recorded in the audit event. */
  error?: string;
}

/**
 * A verdict on one submitted attempt, for the jobs that assess it. Undefined, and nothing written,
 * when the attempt is no longer the session's submitted one (a reviewer decided it, the session was
 * erased or deleted): a job that comes late is skipped, not failed.
 */
export function submittedVerdicts(lifecycle: Pick<SessionLifecycle, "inLockedSession" | "decideLocked" | "initData">) {
  async function whileSubmitted<T>(payload: AssessPayload, actor: Actor, fn: Parameters<typeof lifecycle.inLockedSession<T | undefined>>[1]): Promise<T | undefined> {
    try {
      return await lifecycle.inLockedSession({ sessionId: payload.sessionId, actor }, async (locked) => {
        const { session } = locked;
        if (session.status !== "submitted" || session.current_attempt_id !== payload.attemptId || session.erased_at !== null) return undefined;
        return fn(locked);
      });
    } catch (error) {
      if (error instanceof ApiError && error.errorName === "NOT_FOUND") return undefined;
      throw error;
    }
  }
  return {
    decideSubmitted: (opts: SubmittedVerdict): Promise<DecisionsTable | undefined> =>
      whileSubmitted(opts, opts.actor, (locked) => lifecycle.decideLocked(locked, opts.verdict, opts.reasonCode ?? null, opts.reason ?? null, opts.error)),

    /** A test integration's forced verdict (by person.firstName): "decided", "skipped", or "open" for the assessment. */
    applyTestVerdict: async (payload: AssessPayload): Promise<"decided" | "skipped" | "open"> =>
      (await whileSubmitted(payload, TEST_MODE, async (locked) => {
        const forced = locked.integration.isTest ? forcedTestVerdict((await lifecycle.initData(locked.trx, locked.session)).person?.firstName) : undefined;
        if (!forced) return "open" as const;
        await lifecycle.decideLocked(locked, forced, null, "Forced by test integration (person.firstName)");
        return "decided" as const;
      })) ?? "skipped",
  };
}

export type SubmittedVerdicts = ReturnType<typeof submittedVerdicts>;

/** Until the engine assesses: every submission waits in review (9121) for a person. */
export const reviewByPerson = (verdicts: Pick<SubmittedVerdicts, "decideSubmitted">): Assessment => ({
  async assess(job) {
    await verdicts.decideSubmitted({ ...job.payload, verdict: "review", actor: SYSTEM });
  },
});

/**
 * The handler of `verification.assess`: a test integration's forced verdict is applied here;
 * otherwise the assessment decides. After the last failed run the attempt goes to review, the error
 * recorded in the decision's audit event: a submission is never left without a decision.
 */
export function assessJobHandler({ verdicts, assessment }: { verdicts: SubmittedVerdicts; assessment: Assessment }): JobHandler<AssessPayload> {
  return {
    async run(job) {
      if ((await verdicts.applyTestVerdict(job.payload)) === "open") await assessment.assess(job);
    },
    async giveUp(job, error) {
      if (assessment.giveUp) return assessment.giveUp(job, error);
      await verdicts.decideSubmitted({ ...job.payload, verdict: "review", actor: SYSTEM, error });
    },
  };
}
