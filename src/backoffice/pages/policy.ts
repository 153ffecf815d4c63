import type { PolicyView } from "../deps.js";
import { html } from "../http/html.js";
import { type PageContext, csrfField } from "./layout.js";

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/**
 * The engine's decision policy of one integration: the version in force, who made it, and a form
 * that makes the next version (what `earthid integrations policy ID --face-threshold …` does).
 */
export function policySection(ctx: PageContext, integrationId: string, { policy, made }: PolicyView) {
  const overrides = Object.entries(policy.actions);
  return html`<section aria-labelledby="policy-h">
    <h2 id="policy-h">Decision policy</h2>
    <p data-testid="policy-version">Version ${policy.version}${made ? html`, made ${when(made.at)} UTC by ${made.by}` : html` (the default: never changed)`}.</p>
    ${overrides.length > 0 ? html`<p class="hint">Rules with an action other than their default: ${overrides.map(([rule, action]) => `${rule} → ${action}`).join(", ")}.</p>` : ""}
    <form method="post" action="${ctx.adminPath(`integrations/${integrationId}/policy`)}" class="narrow" aria-labelledby="policy-h">
      ${csrfField(ctx)}
      <label for="faceThreshold">Face similarity threshold</label>
      <input id="faceThreshold" name="faceThreshold" inputmode="decimal" value="${String(policy.face.threshold)}" aria-describedby="faceThreshold-hint" required>
      <span class="hint" id="faceThreshold-hint">Above 0, at most 1: a selfie this similar to the document's photo or more is the same person.</span>
      <label for="reviewFrom">Review band from</label>
      <input id="reviewFrom" name="reviewFrom" inputmode="decimal" value="${String(policy.face.reviewFrom)}" aria-describedby="reviewFrom-hint" required>
      <span class="hint" id="reviewFrom-hint">From this similarity up to the threshold a person looks (review); below it, declined. Equal to the threshold: no review band.</span>
      <label for="minimumAge">Minimum age</label>
      <input id="minimumAge" name="minimumAge" inputmode="numeric" value="${policy.minimumAge === null ? "" : String(policy.minimumAge)}" aria-describedby="minimumAge-hint">
      <span class="hint" id="minimumAge-hint">Whole years, 1 to 125. Empty: no age check.</span>
      <label for="specimens">Specimen documents</label>
      <select id="specimens" name="specimens">${(["flag", "decline"] as const).map((value) => html`<option value="${value}"${policy.specimens === value ? html` selected` : ""}>${value === "flag" ? "flag them, decide as usual" : "decline them (508)"}</option>`)}</select>
      <button type="submit" class="primary">Save as version ${policy.version + 1}</button>
    </form>
  </section>`;
}
