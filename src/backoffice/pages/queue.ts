import type { IntegrationSummary, QueueFilter } from "../deps.js";
import { html, isoMinute } from "../http/html.js";
import type { QueueEntry } from "../review.js";
import { type PageContext, csrfField, page } from "./layout.js";

export const STATUSES = ["review", "submitted", "started", "created", "approved", "declined", "resubmission_requested", "expired", "abandoned"];

const waited = (since: number | null, now: number) => {
  if (since === null) return "—";
  const minutes = Math.max(0, Math.round((now - since) / 60_000));
  return minutes < 60 ? `${minutes} min` : minutes < 2880 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} d`;
};

export interface QueueView {
  filter: QueueFilter & { fromText: string; toText: string };
  entries: QueueEntry[];
  integrations: IntegrationSummary[];
  me: string;
  now: number;
}

export function queuePage(ctx: PageContext, view: QueueView, notices: { flash?: string; error?: string } = {}) {
  const names = new Map(view.integrations.map((i) => [i.id, i.name]));
  const { filter } = view;
  const body = html`
<form method="get" action="${ctx.adminPath("queue")}" class="filters" aria-label="Filter sessions">
  <label>Status <select name="status">${STATUSES.map((s) => html`<option value="${s}"${s === filter.status ? html` selected` : ""}>${s}</option>`)}</select></label>
  <label>Integration <select name="integration"><option value="">All</option>${view.integrations.map((i) => html`<option value="${i.id}"${i.id === filter.integrationId ? html` selected` : ""}>${i.name}</option>`)}</select></label>
  <label>Created from <input type="date" name="from" value="${filter.fromText}"></label>
  <label>to <input type="date" name="to" value="${filter.toText}"></label>
  <label>vendorData <input type="search" name="vendorData" value="${filter.vendorData ?? ""}"></label>
  <button type="submit">Filter</button>
</form>
<p class="hint">Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> open, <kbd>a</kbd> assign to me.</p>
${view.entries.length === 0
  ? html`<p class="empty">No sessions match.</p>`
  : html`<table class="queue" data-keys="queue">
  <caption>${view.entries.length}${view.entries.length >= filter.limit ? "+" : ""} sessions, ${filter.status === "review" ? "oldest first" : "newest first"}</caption>
  <thead><tr><th scope="col">Session</th><th scope="col">Integration</th><th scope="col">vendorData</th><th scope="col">Created</th><th scope="col">Submitted</th><th scope="col">Waiting</th><th scope="col">Reviewer</th></tr></thead>
  <tbody>${view.entries.map(
    (e) => html`<tr data-session="${e.id}">
    <td><a href="${ctx.adminPath(`sessions/${e.id}`)}" class="mono">${e.id}</a></td>
    <td>${names.get(e.integrationId) ?? e.integrationId.slice(0, 8)}</td>
    <td class="mono">${e.vendorData ?? "—"}</td>
    <td>${isoMinute(e.createdAt)}</td>
    <td>${isoMinute(e.submittedAt)}</td>
    <td>${e.status === "review" ? waited(e.submittedAt, view.now) : "—"}</td>
    <td>${e.holder
      ? e.holder.email === view.me ? html`<strong>you</strong>` : e.holder.email
      : e.status === "review"
        ? html`<form method="post" action="${ctx.adminPath(`sessions/${e.id}/assign`)}" class="inline">${csrfField(ctx)}<button type="submit" data-action="assign">Assign to me</button></form>`
        : "—"}</td>
  </tr>`,
  )}</tbody></table>`}`;
  return page(ctx, "Review queue", body, notices);
}
