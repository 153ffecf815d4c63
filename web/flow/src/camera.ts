import { $, say } from "./dom.js";
import type { Translate } from "./data.js";
import { canvasToJpeg } from "./image.js";
import { tellParent } from "./parent.js";
import { hintFor, readFrame } from "./frame.js";

export type CaptureStep = "front" | "back" | "selfie";

const SAMPLE_WIDTH = 160;
const CHECK_MS = 250;
/** Checks in a row that must pass before the photo takes itself. */
const STEADY_CHECKS = 3;

function cameraProblem(error: unknown): string {
  const name = (error as { name?: string }).name;
  if (name === "NotAllowedError" || name === "SecurityError") return "camera.denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "camera.none";
  if (name === "NotReadableError" || name === "AbortError") return "camera.busy";
  return "camera.failed";
}

/**
 * The live camera of one capture step: the rear camera for documents, the front one for the selfie,
 * a framing guide, hints measured in the browser, and a document photo that takes itself once the
 * frame is sharp and steady; the shutter button works all along (and is the selfie's only trigger). Errors are said in words, with the upload
 * beside them as the way out.
 */
export function startCamera(root: HTMLElement, step: CaptureStep, t: Translate, onCapture: (photo: Blob) => Promise<void>): void {
  const open = root.querySelector<HTMLButtonElement>('[data-action="camera"]');
  if (!open || !navigator.mediaDevices?.getUserMedia) return;
  open.hidden = false;
  const panel = $(".camera", root);
  const video = $<HTMLVideoElement>("video", panel);
  const hint = $(".camera-hint", panel);
  const error = root.querySelector(".error");
  const isDocument = step !== "selfie";
  let stream: MediaStream | null = null;
  let timer = 0;
  let taking = false;

  const stop = () => {
    window.clearInterval(timer);
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    panel.hidden = true;
    open.hidden = false;
  };

  const take = async () => {
    if (taking || !stream || video.videoWidth === 0) return;
    taking = true;
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d")!.drawImage(video, 0, 0);
    try {
      const photo = await canvasToJpeg(canvas, 0.92);
      stop();
      await onCapture(photo);
    } finally {
      taking = false;
    }
  };

  const watch = () => {
    const sample = document.createElement("canvas");
    const context = sample.getContext("2d", { willReadFrequently: true })!;
    let previous: Float32Array | null = null;
    let steady = 0;
    timer = window.setInterval(() => {
      if (video.videoWidth === 0 || taking) return;
      // The part inside the guide: the middle 80% of the width (documents) or 60% (faces).
      const share = isDocument ? 0.8 : 0.6;
      const sw = video.videoWidth * share;
      const sh = isDocument ? sw / 1.586 : video.videoHeight * 0.8;
      sample.width = SAMPLE_WIDTH;
      sample.height = Math.round((SAMPLE_WIDTH * sh) / sw);
      context.drawImage(video, (video.videoWidth - sw) / 2, (video.videoHeight - sh) / 2, sw, sh, 0, 0, sample.width, sample.height);
      const { reading, grey } = readFrame(context.getImageData(0, 0, sample.width, sample.height).data, sample.width, sample.height, previous);
      previous = grey;
      const verdict = hintFor(reading, isDocument);
      steady = verdict === "steady" ? steady + 1 : 0;
      panel.dataset.hint = verdict;
      const text = verdict === "wait" ? "" : t(`camera.hint.${verdict}`);
      if (hint.textContent !== text) hint.textContent = text;
      // A document is taken by itself; a selfie waits for the person's own shutter, who may not be ready when the frame is.
      if (isDocument && steady >= STEADY_CHECKS) void take();
    }, CHECK_MS);
  };

  open.addEventListener("click", async () => {
    say(error, "");
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: isDocument ? { ideal: "environment" } : "user", width: { ideal: 1920 }, height: { ideal: 1080 } },
      });
    } catch (problem) {
      const key = cameraProblem(problem);
      say(error, t(key));
      // Inside the SDK's frame, a refused camera can only be asked for again by reloading the frame.
      if (key === "camera.denied") tellParent("VERIFF_RELOAD_REQUEST");
      return;
    }
    open.hidden = true;
    panel.hidden = false;
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    $<HTMLButtonElement>('[data-action="shutter"]', panel).focus();
    watch();
  });
  $('[data-action="shutter"]', panel).addEventListener("click", () => void take());
  $('[data-action="camera-stop"]', panel).addEventListener("click", () => {
    stop();
    open.focus();
  });
  // Leaving the step (back, hand-off) lets the camera go.
  new MutationObserver(() => root.hidden && stream && stop()).observe(root, { attributes: true, attributeFilter: ["hidden"] });
}
