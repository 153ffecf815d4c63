import type { DeliveryView } from "../../webhooks/service.js";
import type { IntegrationSummary } from "../deps.js";
import { html } from "../http/html.js";
import { type PageContext, csrfField, page } from "./layout.js";
import { deliveriesTable } from "./session.js";

export const integrationsPage = (ctx: PageContext, integrations: IntegrationSummary[]) =>
  page(
    ctx,
    "Integrations",
    integrations.length === 0
      ? html`<p class="empty">No integrations yet: <code>earthid integrations create --name N</code>.</p>`
      : html`<table><thead><tr><th scope="col">Name</th><th scope="col">API key</th><th scope="col">Mode</th><th scope="col">State</th><th scope="col">Callback</th><th scope="col">Decision webhook</th><th scope="col">Event webhook</th></tr></thead>
  <tbody>${integrations.map(
    (i) => html`<tr><td>${i.name}</td><td class="mono">${i.apiKey}</td><td>${i.isTest ? "test" : "live"}</td><td>${i.active ? "active" : "deactivated"}</td><td class="mono wrap">${i.callbackUrl ?? "—"}</td><td class="mono wrap">${i.decisionWebhookUrl ?? "—"}</td><td class="mono wrap">${i.eventWebhookUrl ?? "—"}</td></tr>`,
  )}</tbody></table>`,
  );

export const deliveriesPage = (ctx: PageContext, deliveries: DeliveryView[], notices: { flash?: string; error?: string } = {}) =>
  page(
    ctx,
    "Webhook deliveries",
    html`<p class="hint">The latest ${deliveries.length} deliveries, newest first.</p>${deliveriesTable(
      deliveries,
      (id) => html`<form method="post" action="/admin/deliveries/${id}/resend" class="inline">${csrfField(ctx)}<button type="submit">Re-send</button></form>`,
    )}`,
    notices,
  );
