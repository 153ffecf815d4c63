import { el, say } from "./dom.js";
import type { FlowData, Translate } from "./data.js";

let source: EventSource | null = null;

/**
 * Desktop to phone: a QR code of this very address and the address itself, then the phone's
 * progress as server-sent events; when the phone submits, `onSubmitted` finishes here too.
 */
export function openHandoff(root: HTMLElement, data: FlowData, token: string, t: Translate, onSubmitted: () => void): void {
  const qr = root.querySelector(".qr")!;
  if (!qr.firstChild) qr.append(el("img", { src: `/v/${encodeURIComponent(token)}/qr.svg`, alt: "", width: 220, height: 220 }));
  const link = root.querySelector<HTMLAnchorElement>(".short-link a")!;
  link.textContent = data.page;
  const status = root.querySelector(".status");
  source?.close();
  source = new EventSource(`/v/${encodeURIComponent(token)}/events`);
  source.addEventListener("progress", (event) => {
    const progress = JSON.parse((event as MessageEvent<string>).data) as { status: string; captured: string[] };
    if (!["created", "started", "resubmission_requested"].includes(progress.status)) {
      source?.close();
      source = null;
      say(status, t("handoff.submitted"));
      onSubmitted();
      return;
    }
    const total = data.document.type && data.twoSided.includes(data.document.type) ? 3 : 2;
    say(status, progress.captured.length === 0 ? t("handoff.waiting") : t("handoff.progress", { n: Math.min(progress.captured.length, total), total }));
  });
  root.querySelector('[data-action="handoff-back"]')?.addEventListener("click", () => {
    source?.close();
    source = null;
  }, { once: true });
}
