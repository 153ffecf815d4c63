import { html } from "../http/html.js";
import type { Overview } from "../overview.js";
import { type Series, stackedBars } from "./chart.js";
import { type PageContext, page } from "./layout.js";

const OUTCOME_SERIES: Series[] = [
  { key: "approved", label: "approved", colour: "#1e6b3a" },
  { key: "declined", label: "declined", colour: "#a32020" },
  { key: "resubmission_requested", label: "resubmission", colour: "#8a5a00" },
  { key: "expired", label: "expired", colour: "#5b6575" },
  { key: "abandoned", label: "abandoned", colour: "#9aa4b2" },
];
const WEBHOOK_SERIES: Series[] = [
  { key: "delivered", label: "delivered", colour: "#1e6b3a" },
  { key: "failing", label: "failing (retrying)", colour: "#8a5a00" },
  { key: "failed", label: "failed (gave up)", colour: "#a32020" },
];

function duration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} days`;
}

const sum = (days: Overview["outcomes"], key: string) => days.reduce((total, d) => total + (d.counts[key] ?? 0), 0);

export function overviewPage(ctx: PageContext, o: Overview): string {
  const outcomeSummary = OUTCOME_SERIES.map((s) => `${sum(o.outcomes, s.key)} ${s.label}`).join(", ");
  const webhookSummary = WEBHOOK_SERIES.map((s) => `${sum(o.webhooks, s.key)} ${s.label}`).join(", ");
  return page(
    ctx,
    "Overview",
    html`<p class="hint">The last ${o.days} days (UTC), up to now.</p>
    <dl class="facts figures">
      <dt>Final decisions</dt><dd data-testid="decided">${o.decided}</dd>
      <dt>Median time from submission to decision</dt><dd data-testid="median">${duration(o.medianDecisionMs)}</dd>
      <dt>Decided automatically</dt><dd data-testid="automatic">${o.automaticShare === null ? "—" : `${Math.round(o.automaticShare * 100)} %`}</dd>
      <dt>Webhook deliveries failing or failed</dt><dd data-testid="webhook-failures">${o.webhookFailures}</dd>
    </dl>
    <h2>Sessions decided per day, by outcome</h2>
    ${stackedBars("outcomes-chart", "Sessions decided per day, by outcome", `Over ${o.days} days: ${outcomeSummary}.`, o.outcomes, OUTCOME_SERIES)}
    <h2>Webhook deliveries per day</h2>
    ${stackedBars("webhooks-chart", "Webhook deliveries per day, by state", `Over ${o.days} days: ${webhookSummary}.`, o.webhooks, WEBHOOK_SERIES)}`,
  );
}
