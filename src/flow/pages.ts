import { escapeHtml as e, jsonForScript, layout, safeLink } from "./html.js";
import { type Translate, isRightToLeft, messagesFor } from "./i18n.js";
import { resubmissionAdvice } from "./resubmission.js";
import type { FlowSession } from "./deps.js";
import { countryCodes } from "./countries.js";

export interface PageAssets {
  css: string | null;
  script: string | null;
  doneScript: string | null;
}

/** Document types whose back is asked for too: cards carry data and codes on both sides. */
export const TWO_SIDED = ["ID_CARD", "RESIDENCE_PERMIT", "DRIVERS_LICENSE"];
const DOCUMENT_TYPES = ["PASSPORT", "ID_CARD", "DRIVERS_LICENSE", "RESIDENCE_PERMIT"] as const;
const LANGUAGE_NAMES: Record<string, string> = { en: "English", et: "Eesti", de: "Deutsch", fr: "Français", es: "Español", ar: "العربية" };

const footer = (t: Translate, lang: string) => `<footer class="foot">
<p>${e(t("footer.secured"))}</p>
<label class="lang"><span>${e(t("lang.label"))}</span> <select id="lang-select" name="lang">${Object.entries(LANGUAGE_NAMES)
  .map(([code, name]) => `<option value="${code}" lang="${code}"${code === lang ? " selected" : ""}>${e(name)}</option>`)
  .join("")}</select></label>
</footer>`;

/** A page with a heading, a line of text and maybe a link: bad, expired and finished tokens. */
export function messagePage(opts: { lang: string; assets: PageAssets; nonce: string; title: "invalid" | "expired" | "done"; name?: string; link?: string | null }): string {
  const { t } = messagesFor(opts.lang);
  const link = safeLink(opts.link);
  const name = opts.name ?? "";
  const body = `<main class="card message" id="main">
<h1>${e(t(`${opts.title}.title`))}</h1>
<p>${e(t(`${opts.title}.text`))}</p>
${link && name ? `<p><a class="button primary" data-action="finish" href="${e(link)}">${e(t("done.continue", { name }))}</a></p>` : ""}
</main>
<footer class="foot"><p>${e(t("footer.secured"))}</p></footer>`;
  // Only the finished-session page may be framed (its integration's frame-ancestors): it tells the SDK.
  const inlineScript = opts.title === "done" ? opts.assets.doneScript : null;
  return layout({ lang: opts.lang, dir: isRightToLeft(opts.lang) ? "rtl" : "ltr", title: t(`${opts.title}.title`), nonce: opts.nonce, css: opts.assets.css, inlineScript, body });
}

function captureStep(t: Translate, step: "front" | "back" | "selfie", title: string, hint: string): string {
  const guide = step === "selfie" ? t("camera.guideFace") : t("camera.guideDocument");
  return `<section class="step" data-step="${step}" aria-labelledby="${step}-title" hidden>
<h1 id="${step}-title" tabindex="-1">${e(title)}</h1>
<p class="lead">${e(hint)}</p>
<div class="camera" hidden>
<div class="viewfinder ${step === "selfie" ? "face" : "document"}"><video muted playsinline aria-label="${e(guide)}"></video><div class="guide" aria-hidden="true"></div></div>
<p class="camera-hint" aria-live="polite"></p>
<div class="actions"><button type="button" class="primary" data-action="shutter">${e(t("camera.shutter"))}</button>
<button type="button" class="secondary" data-action="camera-stop">${e(t("camera.stop"))}</button></div>
</div>
<p class="status" role="status"></p>
<p class="error" role="alert"></p>
<div class="actions capture-actions">
<button type="button" class="primary" data-action="camera" hidden>${e(t("capture.camera"))}</button>
<input type="file" class="file" id="file-${step}" accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif" aria-describedby="formats-${step}">
<label for="file-${step}" class="button secondary">${e(t("capture.upload"))}</label>
<p class="small" id="formats-${step}">${e(t("capture.formats"))}</p>
</div>
<p class="nav"><button type="button" class="link" data-action="back">${e(t("action.back"))}</button>
<button type="button" class="link" data-action="handoff" hidden>${e(t("handoff.offer"))}</button></p>
</section>`;
}

export interface FlowPageOptions {
  lang: string;
  assets: PageAssets;
  nonce: string;
  session: FlowSession;
  /** The flow API of this token, e.g. /v/<token>/api. */
  apiBase: string;
  /** The page's own address, for the hand-off to a phone. */
  pageUrl: string;
}

/** The whole flow in one page: every step is rendered here, the bundle shows one at a time. */
export function flowPage({ lang, assets, nonce, session, apiBase, pageUrl }: FlowPageOptions): string {
  const { t, messages } = messagesFor(lang);
  const name = session.integration.name;
  const { type: lockedType, country: lockedCountry } = session.document;
  const resubmission = session.status === "resubmission_requested";
  const callback = safeLink(session.callbackUrl);
  const data = {
    api: apiBase,
    page: pageUrl,
    lang,
    name,
    callback,
    status: session.status,
    document: session.document,
    twoSided: TWO_SIDED,
    countries: countryCodes().join(" "),
    frameAncestors: session.integration.frameAncestors,
    messages,
  };
  const typeOptions = DOCUMENT_TYPES.map((type) => {
    const locked = lockedType !== null && lockedType !== type;
    return `<label class="choice"><input type="radio" name="doctype" value="${type}"${lockedType === type ? " checked" : ""}${locked ? " disabled" : ""}> <span>${e(t(`document.type.${type}`))}</span></label>`;
  }).join("\n");
  const body = `<div class="page">
<header class="top"><p class="org">${e(name)}</p><p class="progress" id="progress" aria-live="polite"></p></header>
<main class="card" id="main">
<section class="step" data-step="welcome" aria-labelledby="welcome-title">
<h1 id="welcome-title" tabindex="-1">${e(t(resubmission ? "resubmit.title" : "welcome.title"))}</h1>
${resubmission ? `<div class="notice" role="note"><p>${e(t("resubmit.intro"))}</p><p><strong>${e(t(resubmissionAdvice(session.resubmissionReasonCode)))}</strong></p></div>` : ""}
<p class="lead">${e(t("welcome.intro", { name }))}</p>
<p>${e(t("welcome.need"))}</p>
<ul class="needs"><li>${e(t("welcome.needDocument"))}</li><li>${e(t("welcome.needFace"))}</li></ul>
<h2>${e(t("consent.title"))}</h2>
<p class="consent" id="consent-text">${e(t("consent.text", { name }))}</p>
<div class="actions"><button type="button" class="primary" data-action="accept" aria-describedby="consent-text">${e(t("consent.accept"))}</button>
<button type="button" class="secondary" data-action="decline">${e(t("consent.decline"))}</button></div>
</section>
<section class="step" data-step="document" aria-labelledby="document-title" hidden>
<h1 id="document-title" tabindex="-1">${e(t("document.title"))}</h1>
<fieldset class="choices" aria-describedby="doctype-error"><legend>${e(t("document.type"))}</legend>
${typeOptions}
${lockedType ? `<p class="small">${e(t("document.locked", { name }))}</p>` : ""}
</fieldset>
<p class="error" id="doctype-error" role="alert"></p>
<label class="field" for="country">${e(t("document.country"))}</label>
<select id="country" name="country" aria-describedby="country-error${lockedCountry ? " country-locked" : ""}"${lockedCountry ? " disabled" : ""}>
<option value="">${e(t("document.countryChoose"))}</option>${lockedCountry ? `<option value="${e(lockedCountry)}" selected>${e(lockedCountry)}</option>` : ""}
</select>
${lockedCountry ? `<p class="small" id="country-locked">${e(t("document.locked", { name }))}</p>` : ""}
<p class="error" id="country-error" role="alert"></p>
<div class="actions"><button type="button" class="primary" data-action="document">${e(t("action.continue"))}</button></div>
<p class="nav"><button type="button" class="link" data-action="back">${e(t("action.back"))}</button></p>
</section>
${captureStep(t, "front", t("front.title"), t("front.hint"))}
${captureStep(t, "back", t("back.title"), t("back.hint"))}
${captureStep(t, "selfie", t("selfie.title"), t("selfie.hint"))}
<section class="step" data-step="review" aria-labelledby="review-title" hidden>
<h1 id="review-title" tabindex="-1">${e(t("review.title"))}</h1>
<p class="lead">${e(t("review.intro"))}</p>
<ul class="shots"></ul>
<p class="status" role="status"></p>
<p class="error" role="alert"></p>
<div class="actions"><button type="button" class="primary" data-action="submit">${e(t("review.submit"))}</button></div>
</section>
<section class="step" data-step="finish" aria-labelledby="finish-title" hidden>
<div class="mark" aria-hidden="true"></div>
<h1 id="finish-title" tabindex="-1">${e(t("finish.title"))}</h1>
<p class="lead">${e(t("finish.text", { name }))}</p>
<p class="status" role="status"></p>
${callback ? `<div class="actions"><a class="button primary" data-action="finish" href="${e(callback)}">${e(t("finish.continue", { name }))}</a></div>` : `<p class="closing">${e(t("finish.close"))}</p>`}
</section>
<section class="step" data-step="declined" aria-labelledby="declined-title" hidden>
<h1 id="declined-title" tabindex="-1">${e(t("declined.title"))}</h1>
<p class="lead">${e(t("declined.text"))}</p>
${callback ? `<div class="actions"><a class="button secondary" href="${e(callback)}">${e(t("declined.back", { name }))}</a></div>` : ""}
</section>
<section class="step" data-step="handoff" aria-labelledby="handoff-title" hidden>
<h1 id="handoff-title" tabindex="-1">${e(t("handoff.title"))}</h1>
<p class="lead">${e(t("handoff.text"))}</p>
<div class="qr" role="img" aria-label="${e(t("handoff.qrLabel"))}"></div>
<p class="short-link"><a href="${e(pageUrl)}" rel="noreferrer"></a></p>
<p class="status" role="status">${e(t("handoff.waiting"))}</p>
<p class="nav"><button type="button" class="link" data-action="handoff-back">${e(t("handoff.back"))}</button></p>
</section>
</main>
${footer(t, lang)}
</div>
<script type="application/json" id="flow-data">${jsonForScript(data)}</script>`;
  return layout({ lang, dir: isRightToLeft(lang) ? "rtl" : "ltr", title: `${t("page.title")} · ${name}`, nonce, css: assets.css, script: assets.script, body });
}
