import { framed, tellParent } from "./parent.js";

/**
 * The "nothing more to do" page (a session already submitted or decided) inside the incontext SDK's
 * frame: the handshake, then FINISHED once the SDK answered it (VERIFF_RENDER), so that the
 * integrator's page closes the frame and goes on as after a finished flow. A parent that never
 * answers (an SDK of another protocol) gets FINISHED a second later all the same. Outside a frame
 * the page is a plain page with a link.
 */
if (framed) {
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    tellParent("VERIFF_FINISHED");
  };
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const data = event.data as unknown;
    const name = typeof data === "string" ? data : (data as { name?: unknown } | null)?.name;
    if (name === "VERIFF_RENDER") finish();
  });
  tellParent("VERIFF_HANDSHAKE");
  window.setTimeout(finish, 1000);
  // Inside the frame, "continue" ends the frame rather than opening the integrator's page in it.
  document.querySelector('[data-action="finish"]')?.addEventListener("click", (event) => {
    event.preventDefault();
    finish();
  });
}
