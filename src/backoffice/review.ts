import type { Reviewer } from "./accounts.js";
import type { CasesRepo } from "./cases-repo.js";
import type { BackofficeDeps, QueueFilter, SessionSummary, Verdict } from "./deps.js";
import { refuse } from "./errors.js";
import { REASONS, reasonCodeFits } from "../verification/states.js";

/** Who acts in the back-office; every verb takes one, and checks its role here, not in the page. */
export interface ReviewerActor {
  kind: "reviewer";
  id: string;
  email: string;
  role: Reviewer["role"];
}

export const actorOf = (reviewer: Reviewer): ReviewerActor => ({ kind: "reviewer", id: reviewer.id, email: reviewer.email, role: reviewer.role });

export function requireAdmin(actor: ReviewerActor): void {
  if (actor.role !== "admin") throw refuse("FORBIDDEN");
}

export const VERDICTS: readonly Verdict[] = ["approved", "declined", "resubmission_requested"];

/** Reason codes a verdict may carry, for the decision form. */
export const reasonsFor = (verdict: Verdict) =>
  Object.entries(REASONS)
    .map(([code, text]) => ({ code: Number(code), text }))
    .filter(({ code }) => verdict !== "approved" && reasonCodeFits(verdict, code));

export interface QueueEntry extends SessionSummary {
  holder: { id: string; email: string } | null;
}

export interface ReviewDeps {
  sessions: BackofficeDeps["sessions"];
  cases: CasesRepo;
  now?: () => number;
}

/** The review desk: the queue, taking a case, deciding it. */
export function reviewDesk({ sessions, cases, now = Date.now }: ReviewDeps) {
  async function withHolders(rows: SessionSummary[]): Promise<QueueEntry[]> {
    const holders = await cases.holders(rows.flatMap((r) => (r.attemptId ? [{ sessionId: r.id, attemptId: r.attemptId }] : [])));
    return rows.map((row) => {
      const held = holders.find((h) => h.session_id === row.id && h.attempt_id === row.attemptId);
      return { ...row, holder: held ? { id: held.reviewer_id, email: held.email } : null };
    });
  }

  async function reviewable(actor: ReviewerActor, sessionId: string) {
    const session = await sessions.detail(actor.id, sessionId);
    if (!session || session.deleted) throw refuse("NOT_FOUND");
    if (session.status !== "review" || !session.attemptId) throw refuse("NOT_IN_REVIEW", { status: session.status });
    return { ...session, attemptId: session.attemptId };
  }

  /** Takes the case, or says who has it. */
  async function assign(actor: ReviewerActor, sessionId: string) {
    const session = await reviewable(actor, sessionId);
    const holder = await cases.claim(session.id, session.attemptId, actor.id, now());
    if (holder.reviewer_id !== actor.id) {
      const other = (await cases.holders([{ sessionId: session.id, attemptId: session.attemptId }]))[0];
      throw refuse("ASSIGNED_ELSEWHERE", { who: other?.email ?? "another reviewer" });
    }
    return holder;
  }

  return {
    async queue(actor: ReviewerActor, filter: QueueFilter): Promise<QueueEntry[]> {
      return withHolders(await sessions.queue(actor.id, filter));
    },

    assign,

    async release(actor: ReviewerActor, sessionId: string): Promise<void> {
      const session = await reviewable(actor, sessionId);
      await cases.release(session.id, session.attemptId, actor.id);
    },

    /**
     * A reviewer's verdict through the service's one decide function. The case must be theirs (an
     * unassigned case is taken first) and still in review; a case decided meanwhile is refused.
     */
    async decide(actor: ReviewerActor, input: { sessionId: string; verdict: string; reasonCode: number | null; note: string | null }) {
      const verdict = input.verdict as Verdict;
      if (!VERDICTS.includes(verdict)) throw refuse("BAD_INPUT", { detail: "Choose approve, decline or request resubmission." });
      if (verdict !== "approved" && input.reasonCode === null) throw refuse("BAD_INPUT", { detail: "A decline or a resubmission request needs a reason code." });
      if (input.reasonCode !== null && !reasonCodeFits(verdict, input.reasonCode)) throw refuse("BAD_INPUT", { detail: `Reason ${input.reasonCode} does not go with this decision.` });
      if (input.note !== null && input.note.length > 2000) throw refuse("BAD_INPUT", { detail: "The note is longer than 2000 characters." });
      const held = await assign(actor, input.sessionId);
      const decision = await sessions.decide({ reviewerId: actor.id, sessionId: input.sessionId, verdict, reasonCode: verdict === "approved" ? null : input.reasonCode });
      await cases.recordDecision(held.id, { decided_at: now(), decision_id: decision.decisionId, note: input.note });
      return decision;
    },

    /** The oldest case in review that nobody else holds, to open after a decision. */
    async next(actor: ReviewerActor): Promise<string | undefined> {
      const waiting = await withHolders(await sessions.queue(actor.id, { status: "review", limit: 50 }));
      return waiting.find((entry) => entry.holder === null || entry.holder.id === actor.id)?.id;
    },

    history: (sessionId: string) => cases.forSession(sessionId),
  };
}

export type ReviewDesk = ReturnType<typeof reviewDesk>;
