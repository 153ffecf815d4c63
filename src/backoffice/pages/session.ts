import type { DeliveryView } from "../../webhooks/service.js";
import type { SessionDetail } from "../deps.js";
import { type Html, html, isoMinute } from "../http/html.js";
import { reasonsFor } from "../review.js";
import { type PageContext, csrfField, page } from "./layout.js";

export interface SessionView {
  session: SessionDetail;
  integrationName: string;
  holder: { email: string; mine: boolean } | null;
  reviews: Array<{ email: string; assigned_at: number; decided_at: number | null; note: string | null }>;
  deliveries: DeliveryView[];
}

/** Nested objects the integrator sent, as definition-list rows ("person.firstName"). */
function flatten(value: unknown, prefix = ""): Array<[string, string]> {
  if (value === null || value === undefined) return [];
  if (typeof value !== "object") return [[prefix, String(value)]];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
}

const decisionForm = (ctx: PageContext, view: SessionView): Html => {
  const s = view.session;
  if (s.status !== "review") return html`<p class="hint">This session is ${s.status}: there is nothing to decide.</p>`;
  if (view.holder && !view.holder.mine) return html`<p class="alert error" role="alert">This case is assigned to ${view.holder.email}.</p>`;
  const assign = view.holder
    ? html`<p class="hint">Assigned to you.</p>`
    : html`<form method="post" action="${ctx.adminPath(`sessions/${s.id}/assign`)}" class="inline">${csrfField(ctx)}<button type="submit" data-action="assign">Assign to me</button> <span class="hint">(key <kbd>a</kbd>)</span></form>`;
  return html`${assign}
<form method="post" action="${ctx.adminPath(`sessions/${s.id}/decision`)}" class="decide" data-keys="decide">
  ${csrfField(ctx)}
  <fieldset><legend>Decision</legend>
    <label><input type="radio" name="verdict" value="approved" required> Approve <kbd>1</kbd></label>
    <label><input type="radio" name="verdict" value="declined"> Decline <kbd>2</kbd></label>
    <label><input type="radio" name="verdict" value="resubmission_requested"> Request resubmission <kbd>3</kbd></label>
  </fieldset>
  <label for="reasonCode">Reason (decline or resubmission)</label>
  <select id="reasonCode" name="reasonCode">
    <option value="">—</option>
    <optgroup label="Decline">${reasonsFor("declined").map((r) => html`<option value="${r.code}">${r.code} · ${r.text}</option>`)}</optgroup>
    <optgroup label="Resubmission">${reasonsFor("resubmission_requested").map((r) => html`<option value="${r.code}">${r.code} · ${r.text}</option>`)}</optgroup>
  </select>
  <label for="note">Note (kept in the back-office, not sent to the integrator)</label>
  <textarea id="note" name="note" rows="3" maxlength="2000"></textarea>
  <button type="submit" class="primary">Decide and open the next case</button>
</form>`;
};

export function sessionPage(ctx: PageContext, view: SessionView, notices: { flash?: string; error?: string } = {}) {
  const s = view.session;
  const sent = flatten(s.sent);
  // Views are audited; listed one by one they would bury the session's own events.
  const views = s.events.filter((e) => e.type === "backoffice.viewed").length;
  const events = s.events.filter((e) => e.type !== "backoffice.viewed");
  const body = html`
<dl class="facts">
  <dt>Session</dt><dd class="mono">${s.id}</dd>
  <dt>Status</dt><dd><span class="status status-${s.status}">${s.status}</span>${s.deleted ? " (deleted)" : ""}${s.erased ? " (data erased)" : ""}</dd>
  <dt>Integration</dt><dd>${view.integrationName}</dd>
  <dt>vendorData</dt><dd class="mono">${s.vendorData ?? "—"}</dd>
  <dt>Created</dt><dd>${isoMinute(s.createdAt)}</dd>
  <dt>Submitted</dt><dd>${isoMinute(s.submittedAt)}</dd>
</dl>
<div class="columns">
<section aria-labelledby="images-h" class="images">
  <h2 id="images-h">Images</h2>
  ${s.media.length === 0
    ? html`<p class="empty">${s.erased ? "The images were erased with the session's data." : "No images were uploaded."}</p>`
    : html`<p class="hint">Click an image (or press <kbd>z</kbd>) to zoom.</p>${s.media.map(
        (m, i) => html`<figure class="shot"><button type="button" class="zoom" aria-label="Zoom ${m.context} image ${i + 1}"><img src="${ctx.adminPath(`media/${m.id}`)}" alt="${m.context}, image ${i + 1}"${m.width ? html` width="${m.width}" height="${m.height ?? ""}"` : ""}></button>
        <figcaption>${m.context} · ${m.mimetype} · ${m.width ?? "?"}×${m.height ?? "?"} · <a href="${ctx.adminPath(`media/${m.id}`)}" target="_blank" rel="noopener">full size</a></figcaption></figure>`,
      )}`}
</section>
<section aria-labelledby="decide-h" class="decision">
  <h2 id="decide-h">Review</h2>
  ${decisionForm(ctx, view)}
</section>
</div>
<div class="columns">
<section aria-labelledby="sent-h">
  <h2 id="sent-h">Sent by the integrator</h2>
  ${sent.length === 0 ? html`<p class="empty">Nothing${s.erased ? " (erased)" : ""}.</p>` : html`<dl class="pairs">${sent.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`}
</section>
<section aria-labelledby="checks-h">
  <h2 id="checks-h">Extracted and checked</h2>
  ${s.checks.length === 0
    ? html`<p class="empty">The engine has recorded no checks for this session.</p>`
    : html`<table><thead><tr><th scope="col">Check</th><th scope="col">Score</th><th scope="col">Threshold</th><th scope="col">Result</th><th scope="col">Evidence</th></tr></thead>
      <tbody>${s.checks.map((c) => html`<tr><td>${c.name}</td><td>${c.score ?? "—"}</td><td>${c.threshold ?? "—"}</td><td>${c.passed === null ? "—" : c.passed ? "pass" : "fail"}</td><td>${c.evidence ?? ""}</td></tr>`)}</tbody></table>`}
</section>
</div>
<section aria-labelledby="timeline-h">
  <h2 id="timeline-h">Timeline</h2>
  <ol class="timeline">
    ${events.map((e) => html`<li><time>${isoMinute(e.at)}</time> <strong>${e.type}</strong> by ${e.actor}${typeof e.data.status === "string" ? ` → ${e.data.status}` : ""}${typeof e.data.reasonCode === "number" ? ` (reason ${e.data.reasonCode})` : ""}</li>`)}
    ${view.reviews.map((r) => html`<li><time>${isoMinute(r.assigned_at)}</time> <strong>assigned</strong> to ${r.email}${r.decided_at ? html`; decided ${isoMinute(r.decided_at)}` : ""}${r.note ? html`; note: <q>${r.note}</q>` : ""}</li>`)}
  </ol>
  <p class="hint">Opened in the back-office ${views} times (pages and images), each recorded in the audit trail.</p>
</section>
<section aria-labelledby="deliveries-h">
  <h2 id="deliveries-h">Webhook deliveries</h2>
  ${deliveriesTable(view.deliveries)}
</section>`;
  // Ids are UUIDv7: their first digits are a timestamp, the last ones tell sessions apart.
  return page(ctx, `Session …${s.id.slice(-12)}`, body, notices);
}

/** A delivery's last answer: the receiver's status, or why there was none ("refused: … private address", a timeout). */
const lastAnswer = (d: DeliveryView) =>
  d.lastStatusCode !== null ? html`HTTP ${d.lastStatusCode}${d.lastError ? html` <span class="hint">${d.lastError}</span>` : ""}` : d.lastError ?? (d.attempts === 0 ? "not attempted yet" : "—");

const when = (d: DeliveryView) =>
  d.status === "delivered" ? html`delivered ${d.deliveredAt?.slice(0, 16).replace("T", " ")}` : d.status === "pending" && d.nextAttemptAt ? html`next ${d.nextAttemptAt.slice(0, 16).replace("T", " ")}` : d.status === "failed" ? "gave up" : "";

export function deliveriesTable(deliveries: DeliveryView[], resend?: (id: string) => Html): Html {
  if (deliveries.length === 0) return html`<p class="empty">No webhook deliveries.</p>`;
  return html`<table class="deliveries"><thead><tr><th scope="col">Created</th><th scope="col">Kind</th><th scope="col">Code</th><th scope="col">URL</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last attempt</th><th scope="col">Last answer or error</th>${resend ? html`<th scope="col">Action</th>` : ""}</tr></thead>
  <tbody>${deliveries.map(
    (d) => html`<tr data-delivery="${d.id}"><td>${d.createdAt.slice(0, 16).replace("T", " ")}</td><td>${d.kind}</td><td>${d.code}</td><td class="mono wrap">${d.url}</td><td><span class="status status-${d.status}">${d.status}</span> <span class="hint">${when(d)}</span></td><td>${d.attempts}</td><td>${d.lastAttemptAt ? d.lastAttemptAt.slice(0, 16).replace("T", " ") : "—"}</td><td class="wrap">${lastAnswer(d)}</td>${resend ? html`<td>${resend(d.id)}</td>` : ""}</tr>`,
  )}</tbody></table>`;
}
