import type { TestWebhookResult } from "../../verification/test-webhook.js";
import type { IntegrationSummary, PolicyView } from "../deps.js";
import { html } from "../http/html.js";
import { type PageContext, csrfField, page } from "./layout.js";
import { policySection } from "./policy.js";

const BUTTON = (ctx: PageContext, id: string, verb: string, label: string) =>
  html`<form method="post" action="${ctx.adminPath(`integrations/${id}/${verb}`)}" class="inline">${csrfField(ctx)}<button type="submit">${label}</button></form>`;

/** What the receivers answered to "Send a test webhook", as the CLI prints it. */
const testResults = (results: TestWebhookResult[]) =>
  html`<section aria-labelledby="test-h"><h2 id="test-h">Test webhook</h2>
  <table data-testid="test-webhook"><thead><tr><th scope="col">Kind</th><th scope="col">URL</th><th scope="col">Answer</th><th scope="col">Body</th></tr></thead>
  <tbody>${results.map(
    (r) => html`<tr><td>${r.kind}</td><td class="mono wrap">${r.url}</td><td>${r.statusCode === null ? html`<span class="status status-failed">no answer</span> ${r.error}` : html`<span class="status status-${r.statusCode < 300 ? "delivered" : "failed"}">HTTP ${r.statusCode}</span> in ${r.durationMs} ms`}</td><td class="mono wrap">${r.body || "(empty)"}</td></tr>`,
  )}</tbody></table>
  <p class="hint">Sent signed like real deliveries, for a session that exists nowhere, with status 9121 review (decision) or 7001 started (event) and vendorData <code>earthid-test-webhook</code>.</p></section>`;

/** One integration: its keys, what it may change, and the actions on it. */
export function integrationPage(ctx: PageContext, i: IntegrationSummary, policy: PolicyView, options: { results?: TestWebhookResult[]; flash?: string; error?: string } = {}): string {
  const field = (name: string, label: string, value: string | null, hint = "") =>
    html`<label for="${name}">${label}</label><input id="${name}" name="${name}" value="${value ?? ""}"${name === "name" ? html` required maxlength="200"` : ""}${hint ? html` aria-describedby="${name}-hint"` : ""}>${hint ? html`<span class="hint" id="${name}-hint">${hint}</span>` : ""}`;
  const flag = (name: string, label: string, on: boolean, hint: string) =>
    html`<label><input type="checkbox" name="${name}" value="1"${on ? html` checked` : ""} aria-describedby="${name}-hint"> ${label}</label><span class="hint" id="${name}-hint">${hint}</span>`;
  return page(
    ctx,
    `Integration ${i.name}`,
    html`<dl class="facts">
      <dt>Id</dt><dd class="mono">${i.id}</dd>
      <dt>API key</dt><dd class="mono" data-testid="api-key">${i.apiKey}</dd>
      <dt>Mode</dt><dd>${i.isTest ? "test (decisions from the first name; plain http allowed)" : "live"}</dd>
      <dt>State</dt><dd>${i.active ? "active" : "deactivated: its key is refused"}</dd>
      <dt>Signing</dt><dd data-testid="signing">${i.strictSignatures ? "strict: every request needs the timestamped x-earthid-signature" : "Veriff's X-HMAC-SIGNATURE accepted on Veriff's endpoints"}</dd>
      <dt>Created</dt><dd>${i.createdAt.slice(0, 16).replace("T", " ")}</dd>
    </dl>
    <p class="actions">${BUTTON(ctx, i.id, "reveal", "Reveal secret")} ${BUTTON(ctx, i.id, "rotate", "Rotate secret")} ${BUTTON(ctx, i.id, "test-webhook", "Send a test webhook")} ${i.active ? BUTTON(ctx, i.id, "deactivate", "Deactivate") : ""}</p>
    ${options.results ? testResults(options.results) : ""}
    <h2 id="edit-h">Settings</h2>
    <form method="post" action="${ctx.adminPath(`integrations/${i.id}`)}" class="narrow" aria-labelledby="edit-h">
      ${csrfField(ctx)}
      ${field("name", "Name", i.name)}
      ${field("callbackUrl", "Default callback URL", i.callbackUrl, "Where the end user returns; https (plain http only for localhost or a test integration). Empty: none.")}
      ${field("decisionWebhookUrl", "Decision webhook URL", i.decisionWebhookUrl)}
      ${field("eventWebhookUrl", "Event webhook URL", i.eventWebhookUrl)}
      ${field("frameAncestors", "Origins allowed to frame the hosted flow", i.frameAncestors.join(" "), "Space-separated, e.g. https://shop.example. Empty: the flow cannot be framed.")}
      ${flag("testMode", "Test mode", i.isTest, "Sessions are decided from the person's first name, not by the engine; plain-http callbacks are allowed.")}
      ${flag("strictSignatures", "Strict signatures", i.strictSignatures, "Every API request must carry the timestamped x-earthid-signature; X-HMAC-SIGNATURE alone is refused (401).")}
      <button type="submit" class="primary">Save</button>
    </form>
    ${policySection(ctx, i.id, policy)}
    <p><a href="${ctx.adminPath("integrations")}">All integrations</a></p>`,
    options,
  );
}
