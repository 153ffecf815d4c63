/**
 * When a failed delivery is tried again. Veriff retries "about once an hour for up to 7 days"; we
 * retry sooner at first, since most failures are a receiver restarting: 10 s, 1 min, 5 min, 30 min,
 * then hourly, until 7 days after the webhook was created, with one last attempt at that moment.
 * Each delay is spread at random (±10% by default): deliveries that failed together, because their
 * receiver was down, come back spread out instead of all at once.
 */
export interface RetryPolicy {
  /** Delay after the 1st, 2nd, … failed attempt; the last one repeats. */
  delaysMs: readonly number[];
  /** Measured from the delivery's creation. */
  giveUpAfterMs: number;
  /** The largest spread either way, as a fraction of the delay; DEFAULT_RETRY_JITTER unless given. */
  jitter?: number;
  /** Uniform in [0, 1): Math.random unless given. */
  random?: () => number;
}

export const DEFAULT_RETRY_DELAYS_SECONDS = [10, 60, 300, 1800, 3600] as const;
export const DEFAULT_RETRY_FOR_SECONDS = 7 * 24 * 3600;
export const DEFAULT_RETRY_JITTER = 0.1;

/** 410 Gone: the receiver says the endpoint is gone for good (as Stripe and Svix read it too). */
const GONE = 410;

export type AfterFailure = { status: "pending"; nextAttemptAt: number } | { status: "failed" };

export function afterFailure(policy: RetryPolicy, delivery: { createdAt: number; attempts: number }, attempt: { at: number; statusCode: number | null }): AfterFailure {
  const { at } = attempt;
  const deadline = delivery.createdAt + policy.giveUpAfterMs;
  if (at >= deadline || attempt.statusCode === GONE) return { status: "failed" };
  const delays = policy.delaysMs;
  const delay = delays[Math.min(Math.max(delivery.attempts, 1), delays.length) - 1] ?? 0;
  const spread = (policy.jitter ?? DEFAULT_RETRY_JITTER) * (2 * (policy.random ?? Math.random)() - 1);
  // Whole milliseconds: the store keeps them as integers.
  return { status: "pending", nextAttemptAt: Math.min(at + Math.round(delay * (1 + spread)), deadline) };
}
