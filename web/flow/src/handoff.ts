import { el, say } from "./dom.js";
import type { FlowData, Translate } from "./data.js";
import type { FlowApi } from "./api.js";

let source: EventSource | null = null;

/**
 * Desktop to phone: a short link to this session's flow, and its QR code, then the phone's
 * progress as server-sent events; when the phone submits, `onSubmitted` finishes here too.
 */
export async function openHandoff(root: HTMLElement, data: FlowData, api: FlowApi, token: string, t: Translate, onSubmitted: () => void): Promise<void> {
  const status = root.querySelector(".status");
  const qr = root.querySelector(".qr")!;
  const link = root.querySelector<HTMLAnchorElement>(".short-link a")!;
  if (!qr.firstChild) {
    try {
      const handoff = await api.handoff();
      qr.append(el("img", { src: handoff.qrCode, alt: "", width: 220, height: 220 }));
      link.href = handoff.url;
      link.textContent = handoff.url.replace(/^https?:\/\//, "");
    } catch {
      say(status, t("error.network"));
      return;
    }
  }
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
