import type { BackofficeDeps } from "./deps.js";
import { type ReviewerActor, requireAdmin } from "./review.js";

const DAY_MS = 86_400_000;
/** Decided without a person: the engine, or a test integration's rule. */
const AUTOMATIC = new Set(["engine", "test-mode"]);
export const OUTCOMES = ["approved", "declined", "resubmission_requested", "expired", "abandoned"] as const;

export interface DayCounts {
  /** YYYY-MM-DD (UTC). */
  day: string;
  counts: Record<string, number>;
}

export interface Overview {
  days: number;
  /** Final decisions per day, by outcome. */
  outcomes: DayCounts[];
  decided: number;
  /** Median from an attempt's submission to its final decision, ms; null without any. */
  medianDecisionMs: number | null;
  /** Share of final decisions taken automatically (engine or test mode), 0..1; null without any. */
  automaticShare: number | null;
  /** Webhook deliveries per day: delivered, failing (last attempt failed, still retrying) and failed (gave up). */
  webhooks: DayCounts[];
  webhookFailures: number;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The last `days` days up to `now`, each with zero counts for `keys`. */
function emptyDays(now: number, days: number, keys: readonly string[]): DayCounts[] {
  return Array.from({ length: days }, (_, i) => ({ day: dayOf(now - (days - 1 - i) * DAY_MS), counts: Object.fromEntries(keys.map((k) => [k, 0])) }));
}

/** The overview page's figures, for administrators: outcomes, decision time, automation, webhook failures. */
export function overview(deps: Pick<BackofficeDeps, "overview">, now: () => number = Date.now) {
  return async (actor: ReviewerActor, days = 14): Promise<Overview> => {
    requireAdmin(actor);
    const at = now();
    const since = Date.parse(`${dayOf(at - (days - 1) * DAY_MS)}T00:00:00Z`);
    const [decisions, deliveries] = await Promise.all([deps.overview.finalDecisionsSince(since), deps.overview.deliveryCountsByDay(since)]);

    const outcomes = emptyDays(at, days, OUTCOMES);
    const byDay = new Map(outcomes.map((d) => [d.day, d]));
    for (const d of decisions) {
      const counts = byDay.get(dayOf(d.decidedAt))?.counts;
      if (counts && d.status in counts) counts[d.status]!++;
    }
    const webhooks = emptyDays(at, days, ["delivered", "failing", "failed"]);
    const hooksByDay = new Map(webhooks.map((d) => [d.day, d]));
    let webhookFailures = 0;
    for (const row of deliveries) {
      const counts = hooksByDay.get(dayOf(row.day * DAY_MS))?.counts;
      if (!counts) continue;
      const key = row.status === "delivered" ? "delivered" : row.status === "failed" ? "failed" : row.failedAttempt ? "failing" : undefined;
      if (!key) continue;
      counts[key]! += row.n;
      if (key !== "delivered") webhookFailures += row.n;
    }
    const delays = decisions.filter((d) => d.submittedAt !== null).map((d) => d.decidedAt - d.submittedAt!);
    return {
      days,
      outcomes,
      decided: decisions.length,
      medianDecisionMs: median(delays),
      automaticShare: decisions.length === 0 ? null : decisions.filter((d) => AUTOMATIC.has(d.decidedBy)).length / decisions.length,
      webhooks,
      webhookFailures,
    };
  };
}
