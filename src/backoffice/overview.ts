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
    // Counted and the median taken in the store: what is read here is a few hundred rows at most, however busy the days were.
    const [decisions, medianDecisionMs, deliveries] = await Promise.all([
      deps.overview.finalDecisionCounts(since),
      deps.overview.medianDecisionMs(since),
      deps.overview.deliveryCountsByDay(since),
    ]);

    const outcomes = emptyDays(at, days, OUTCOMES);
    const byDay = new Map(outcomes.map((d) => [d.day, d]));
    let decided = 0;
    let automatic = 0;
    for (const row of decisions) {
      decided += row.n;
      if (AUTOMATIC.has(row.decidedBy)) automatic += row.n;
      const counts = byDay.get(dayOf(row.day * DAY_MS))?.counts;
      if (counts && row.status in counts) counts[row.status]! += row.n;
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
    return {
      days,
      outcomes,
      decided,
      medianDecisionMs,
      automaticShare: decided === 0 ? null : automatic / decided,
      webhooks,
      webhookFailures,
    };
  };
}
