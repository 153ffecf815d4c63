import { $, $$, el, say } from "./dom.js";
import { type FlowData, readData, translator } from "./data.js";
import { FlowApiError, flowApi } from "./api.js";
import { ImageProblem, dataUri, prepareImage } from "./image.js";
import { framed, tellParent } from "./parent.js";
import { type CaptureStep, startCamera } from "./camera.js";
import { openHandoff } from "./handoff.js";

type Step = "welcome" | "document" | CaptureStep | "review" | "finish" | "declined" | "handoff";

const CONTEXT: Record<CaptureStep, string> = { front: "document-front", back: "document-back", selfie: "face" };
const data: FlowData = readData();
const t = translator(data.messages);
const token = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const api = flowApi(data.api, token);

interface Shot {
  preview: string | null;
}
const shots = new Map<CaptureStep, Shot>();
let current: Step = "welcome";
/** After a retake from the review, the capture goes back there. */
let returnToReview = false;

const section = (step: Step) => $(`section[data-step="${step}"]`);
const docType = () => (document.querySelector<HTMLInputElement>('input[name="doctype"]:checked')?.value ?? null);
const captureSteps = (): CaptureStep[] => (docType() !== null && data.twoSided.includes(docType()!) ? ["front", "back", "selfie"] : ["front", "selfie"]);
const flowSteps = (): Step[] => ["document", ...captureSteps(), "review"];

/** "Step n of m": m depends on the document type (cards have a back), so it is redone when the type changes. */
function showProgress(): void {
  const steps = flowSteps();
  const index = steps.indexOf(current);
  $("#progress").textContent = index >= 0 ? t("step.progress", { n: index + 1, total: steps.length }) : "";
}

function show(step: Step): void {
  current = step;
  for (const node of $$("section[data-step]")) node.hidden = node.dataset.step !== step;
  showProgress();
  if (step === "front") $("#front-title").textContent = docType() === "PASSPORT" ? t("front.titlePassport") : t("front.title");
  if (step === "review") renderReview();
  window.scrollTo(0, 0);
  // Focus goes to the new step's heading, so a screen reader announces where the person is.
  section(step).querySelector<HTMLElement>("h1")?.focus();
}

function next(from: Step): void {
  if (returnToReview && from !== "document") {
    returnToReview = false;
    return show("review");
  }
  const steps = flowSteps();
  show(steps[steps.indexOf(from) + 1] ?? "review");
}

function back(from: Step): void {
  const steps: Step[] = ["welcome", ...flowSteps()];
  show(steps[Math.max(0, steps.indexOf(from) - 1)] ?? "welcome");
}

function problemText(error: unknown, fallback: string): string {
  if (error instanceof ImageProblem) return t(error.kind === "tooLarge" ? "capture.errorTooLarge" : "capture.errorFile");
  if (error instanceof FlowApiError) {
    if (error.code === "1904") return t("error.rateLimited");
    if (error.code === "1920" || error.code === "1921" || error.code === "1304" || error.code === "1905") return t("error.closed");
    if (error.code === "network") return t("error.network");
  }
  return t(fallback);
}

/** A photo from the file input or the camera: shrunk, sent, then on to the next step. */
async function capture(step: CaptureStep, source: Blob): Promise<void> {
  const root = section(step);
  const status = root.querySelector(".status");
  const error = root.querySelector(".error");
  say(error, "");
  root.setAttribute("aria-busy", "true");
  try {
    say(status, t("capture.preparing"));
    const prepared = await prepareImage(source, step === "selfie" ? 1280 : 2000);
    say(status, t("capture.uploading"));
    await api.upload(CONTEXT[step], await dataUri(prepared.blob));
    const previous = shots.get(step);
    if (previous?.preview) URL.revokeObjectURL(previous.preview);
    shots.set(step, { preview: prepared.preview });
    say(status, t("capture.saved"));
    next(step);
  } catch (problem) {
    say(status, "");
    say(error, problemText(problem, "capture.errorUpload"));
  } finally {
    root.removeAttribute("aria-busy");
  }
}

function renderReview(): void {
  const list = $(".shots", section("review"));
  list.replaceChildren(
    ...captureSteps().map((step) => {
      const label = step === "front" ? (docType() === "PASSPORT" ? t("front.titlePassport") : t("front.title")) : t(`${step === "selfie" ? "selfie" : "back"}.title`);
      const shot = shots.get(step);
      const picture = shot?.preview ? el("img", { src: shot.preview, alt: label }) : el("div", { className: "no-preview" }, shot ? t("capture.previewUnavailable") : t("review.missing", { what: label }));
      const retake = el("button", { type: "button", className: "secondary small-button", textContent: t("action.retake") });
      retake.setAttribute("aria-label", `${t("action.retake")}: ${label}`);
      retake.addEventListener("click", () => {
        returnToReview = true;
        show(step);
      });
      return el("li", {}, picture, el("span", { className: "shot-label" }, label), retake);
    }),
  );
}

async function submit(): Promise<void> {
  const root = section("review");
  const button = $<HTMLButtonElement>('[data-action="submit"]', root);
  const missing = captureSteps().find((step) => !shots.has(step));
  if (missing) return say(root.querySelector(".error"), t("review.missing", { what: t(`${missing === "front" ? "front" : missing === "back" ? "back" : "selfie"}.title`) }));
  button.disabled = true;
  button.textContent = t("review.submitting");
  say(root.querySelector(".error"), "");
  try {
    await api.submit();
    tellParent("VERIFF_SUBMITTED");
    finish();
  } catch (problem) {
    say(root.querySelector(".error"), problemText(problem, "review.errorSubmit"));
  } finally {
    button.disabled = false;
    button.textContent = t("review.submit");
  }
}

/** The last screen: back to the integrator's callback (it carries no decision), or "close this page". */
export function finish(): void {
  show("finish");
  const root = section("finish");
  const link = root.querySelector<HTMLAnchorElement>('[data-action="finish"]');
  if (framed) {
    // The SDK closes the frame on FINISHED: the person's click on "continue" ends it.
    link?.addEventListener("click", (event) => {
      event.preventDefault();
      tellParent("VERIFF_FINISHED");
    });
    if (!link) window.setTimeout(() => tellParent("VERIFF_FINISHED"), 3000);
    return;
  }
  if (data.callback) {
    say(root.querySelector(".status"), t("finish.redirecting", { name: data.name }));
    window.setTimeout(() => location.assign(data.callback!), 2500);
  }
}

/**
 * The country list, named in the page's language and sorted: a few hundred Intl calls, so made when
 * the person leaves the welcome step rather than before the first paint (a slow phone would spend a
 * visible pause on it).
 */
function fillCountries(select: HTMLSelectElement): void {
  if (data.document.country || select.options.length > 1) return;
  const names = new Intl.DisplayNames([data.lang, "en"], { type: "region" });
  const collator = new Intl.Collator(data.lang);
  const options = data.countries
    .split(" ")
    .map((code) => ({ code, name: names.of(code) ?? code }))
    .sort((a, b) => collator.compare(a.name, b.name))
    .map(({ code, name }) => el("option", { value: code, textContent: name }));
  select.append(...options);
}

function setUpDocumentStep(): void {
  const select = $<HTMLSelectElement>("#country");
  if (data.document.country) {
    const locked = select.querySelector<HTMLOptionElement>(`option[value="${data.document.country}"]`);
    if (locked) locked.textContent = new Intl.DisplayNames([data.lang, "en"], { type: "region" }).of(data.document.country) ?? data.document.country;
  }
  for (const radio of $$('input[name="doctype"]')) radio.addEventListener("change", showProgress);
  $('[data-action="document"]').addEventListener("click", () => {
    const typeError = $("#doctype-error");
    const countryError = $("#country-error");
    say(typeError, docType() ? "" : t("document.errorType"));
    say(countryError, select.value ? "" : t("document.errorCountry"));
    select.setAttribute("aria-invalid", String(!select.value));
    if (!docType()) return $<HTMLInputElement>('input[name="doctype"]:not(:disabled)').focus();
    if (!select.value) return select.focus();
    next("document");
  });
}

function setUpCaptureSteps(): void {
  for (const step of ["front", "back", "selfie"] as CaptureStep[]) {
    const root = section(step);
    const input = $<HTMLInputElement>("input.file", root);
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      input.value = "";
      if (file) void capture(step, file);
    });
    startCamera(root, step, t, (blob) => capture(step, blob));
    const handoff = root.querySelector<HTMLButtonElement>('[data-action="handoff"]');
    // A desktop (fine pointer, no touch) is offered the phone; a phone is not.
    if (handoff && matchMedia("(pointer: fine)").matches && !("ontouchstart" in window)) {
      handoff.hidden = false;
      handoff.addEventListener("click", () => {
        show("handoff");
        void openHandoff(section("handoff"), data, api, token, t, () => {
          tellParent("VERIFF_SUBMITTED");
          finish();
        });
      });
    }
  }
}

function boot(): void {
  document.documentElement.classList.add("js");
  tellParent("VERIFF_HANDSHAKE");
  $('[data-action="accept"]').addEventListener("click", () => {
    fillCountries($<HTMLSelectElement>("#country"));
    show("document");
  });
  $('[data-action="decline"]').addEventListener("click", () => {
    tellParent("VERIFF_CANCELED");
    show("declined");
  });
  for (const button of $$('[data-action="back"]')) button.addEventListener("click", () => back(current));
  $('[data-action="handoff-back"]').addEventListener("click", () => show(captureSteps()[0]!));
  $('[data-action="submit"]').addEventListener("click", () => void submit());
  $<HTMLSelectElement>("#lang-select").addEventListener("change", (event) => {
    const url = new URL(location.href);
    url.searchParams.set("lang", (event.target as HTMLSelectElement).value);
    location.assign(url.toString());
  });
  setUpDocumentStep();
  setUpCaptureSteps();
  // Landing in the flow starts the session (7001); a session that moved on meanwhile reloads into its page.
  api
    .start()
    .then(() => tellParent("VERIFF_STARTED"))
    .catch((problem: unknown) => {
      if (problem instanceof FlowApiError && (problem.status === 401 || problem.status === 409 || problem.code === "1304")) location.reload();
    });
}

boot();
