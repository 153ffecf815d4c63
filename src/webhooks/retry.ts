/**
 * When a failed delivery is tried again. Veriff retries "about once an hour for up to 7 days"; we
 * retry sooner at first, since most failures are a receiver restarting: 10 s, 1 min, 5 min, 30 min,
 * then hourly, until 7 days after the webhook was created, with one last attempt at that moment.
 */
export interface RetryPolicy {
  /** Delay after the 1st, 2nd, … failed attempt; the last one repeats. */
  delaysMs: readonly number[];
  /** Measured from the delivery's creation. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY_DELAYS_SECONDS = [10, 60, 300, 1800, 3600] as const;
export const DEFAULT_RETRY_FOR_SECONDS = 7 * 24 * 3600;

/** 410 Gone: the receiver says the endpoint is gone for good (as Stripe and Svix read it too). */
const GONE = 410;

export type AfterFailure = { status: "pending"; nextAttemptAt: number } | { status: "failed" };

export function afterFailure(policy: RetryPolicy, delivery: { createdAt: number; attempts: number }, attempt: { at: number; statusCode: number | null }): AfterFailure {
  const { at } = attempt;
  const deadline = delivery.createdAt + policy.giveUpAfterMs;
  if (at >= deadline || attempt.statusCode === GONE) return { status: "failed" };
  const delays = policy.delaysMs;
  const delay = delays[Math.min(Math.max(delivery.attempts, 1), delays.length) - 1] ?? 0;
  return { status: "pending", nextAttemptAt: Math.min(at + delay, deadline) };
}
