import type { DeliveryView } from "../../webhooks/service.js";
import type { IntegrationSummary } from "../deps.js";
import { html } from "../http/html.js";
import { type PageContext, csrfField, page } from "./layout.js";
import { deliveriesTable } from "./session.js";

/** A secret shown once, on a page that is never cached. */
export interface ShownSecret {
  integrationName: string;
  secret: string;
  why: string;
}

const action = (ctx: PageContext, id: string, verb: string, label: string) =>
  html`<form method="post" action="${ctx.adminPath(`integrations/${id}/${verb}`)}" class="inline">${csrfField(ctx)}<button type="submit">${label}</button></form>`;

export const integrationsPage = (ctx: PageContext, integrations: IntegrationSummary[], shown?: ShownSecret, notices: { flash?: string; error?: string } = {}) =>
  page(
    ctx,
    "Integrations",
    html`${shown
      ? html`<div class="alert ok" role="status"><p>${shown.why} Shared secret of <strong>${shown.integrationName}</strong>:</p><p><code data-testid="shared-secret">${shown.secret}</code></p><p class="hint">Copy it now: it is not shown again without another audited reveal.</p></div>`
      : ""}
    ${integrations.length === 0
      ? html`<p class="empty">No integrations yet.</p>`
      : html`<table><thead><tr><th scope="col">Name</th><th scope="col">API key</th><th scope="col">Mode</th><th scope="col">State</th><th scope="col">Callback</th><th scope="col">Decision webhook</th><th scope="col">Event webhook</th><th scope="col">Actions</th></tr></thead>
  <tbody>${integrations.map(
    (i) => html`<tr><td><a href="${ctx.adminPath(`integrations/${i.id}`)}">${i.name}</a></td><td class="mono">${i.apiKey}</td><td>${i.isTest ? "test" : "live"}</td><td>${i.active ? "active" : "deactivated"}</td><td class="mono wrap">${i.callbackUrl ?? "—"}</td><td class="mono wrap">${i.decisionWebhookUrl ?? "—"}</td><td class="mono wrap">${i.eventWebhookUrl ?? "—"}</td>
    <td class="actions">${action(ctx, i.id, "reveal", "Reveal secret")} ${action(ctx, i.id, "rotate", "Rotate secret")} ${i.active ? action(ctx, i.id, "deactivate", "Deactivate") : ""}</td></tr>`,
  )}</tbody></table>`}
    <h2 id="new-h">New integration</h2>
    <form method="post" action="${ctx.adminPath("integrations")}" class="narrow" aria-labelledby="new-h">
      ${csrfField(ctx)}
      <label for="name">Name</label><input id="name" name="name" required maxlength="200">
      <label for="callbackUrl">Callback URL (https)</label><input id="callbackUrl" name="callbackUrl" type="url">
      <label for="decisionWebhookUrl">Decision webhook URL</label><input id="decisionWebhookUrl" name="decisionWebhookUrl" type="url">
      <label for="eventWebhookUrl">Event webhook URL</label><input id="eventWebhookUrl" name="eventWebhookUrl" type="url">
      <label for="frameAncestors">Origins allowed to frame the hosted flow</label><input id="frameAncestors" name="frameAncestors" aria-describedby="frameAncestors-hint"><span class="hint" id="frameAncestors-hint">Space-separated; empty: none.</span>
      <label><input type="checkbox" name="isTest" value="1"> Test mode</label>
      <button type="submit" class="primary">Create</button>
    </form>`,
    notices,
  );

export const deliveriesPage = (ctx: PageContext, deliveries: DeliveryView[], notices: { flash?: string; error?: string } = {}) =>
  page(
    ctx,
    "Webhook deliveries",
    html`<p class="hint">The latest ${deliveries.length} deliveries, newest first.</p>${deliveriesTable(
      deliveries,
      (id) => html`<form method="post" action="${ctx.adminPath(`deliveries/${id}/resend`)}" class="inline">${csrfField(ctx)}<button type="submit">Re-send</button></form>`,
    )}`,
    notices,
  );
