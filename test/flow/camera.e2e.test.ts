import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import { storeKind } from "../support/server.js";
import { storedSession } from "../lifecycle/helpers.js";
import { type FlowWorld, PASSPORT, PHONE, eventCodes, flowWorld, launchChromium } from "./harness.js";
import { writeDocumentVideo } from "./fake-camera.js";

/**
 * Chromium whose camera plays a still of the passport `documentWidth` pixels wide (of 960), and a
 * flow world, for the tests of one describe block.
 */
function fakeCamera(documentWidth: number): { browser: Browser; world: FlowWorld } {
  const fake = {} as { browser: Browser; world: FlowWorld };
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "earthid-camera-"));
    const video = path.join(dir, "document.y4m");
    await writeDocumentVideo(video, documentWidth);
    [fake.browser, fake.world] = await Promise.all([
      launchChromium({ args: ["--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${video}`] }),
      flowWorld(),
    ]);
  });
  afterAll(async () => {
    await fake.browser?.close();
    await fake.world?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return fake;
}

/**
 * The live camera, with chromium's fake capture device playing a generated video of a passport:
 * the document photo takes itself once the frame is sharp and steady, the selfie is taken with the
 * shutter; with the camera refused, the person reads why and uploads instead.
 */
describe(`the flow with the live camera (${storeKind})`, { timeout: 120_000 }, () => {
  const fake = fakeCamera(700);

  async function toFront(context: BrowserContext, url: string) {
    const page = await context.newPage();
    await page.goto(url);
    await page.getByRole("button", { name: "I agree, start" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "Photo page of your passport" }).waitFor();
    return page;
  }

  it("captures the document by itself once the frame is steady, the selfie by the shutter, and submits", async () => {
    const { id, url } = await fake.world.session({ document: { type: "PASSPORT", country: "EE" } });
    const context = await fake.browser.newContext({ ...PHONE, permissions: ["camera"] });
    const page = await toFront(context, url);
    await page.locator('section[data-step="front"]').getByRole("button", { name: "Use the camera" }).click();
    await page.locator('section[data-step="front"] video').waitFor();
    // No click: the steady, sharp frame is taken by itself and the flow moves on.
    await page.getByRole("heading", { name: "A photo of your face" }).waitFor({ timeout: 20_000 });
    await page.locator('section[data-step="selfie"]').getByRole("button", { name: "Use the camera" }).click();
    await page.locator('section[data-step="selfie"]').getByRole("button", { name: "Take the photo" }).click();
    await page.getByRole("heading", { name: "Check your photos" }).waitFor();
    await page.getByRole("button", { name: "Submit" }).click();
    await page.waitForURL(`${fake.world.receiver.url}/callback`);
    const stored = await storedSession(fake.world.server, id);
    expect(stored.media.map((m) => [m.context, m.mimetype, m.width, m.height]).sort()).toEqual([
      ["document-front", "image/jpeg", 960, 540],
      ["face", "image/jpeg", 960, 540],
    ]);
    await fake.world.receiver.waitFor(() => eventCodes(fake.world.receiver, id).length >= 2);
    await context.close();
  });

  it("says the camera was refused, and the upload still works", async () => {
    const { id, url } = await fake.world.session({ document: { type: "PASSPORT", country: "EE" } });
    const context = await fake.browser.newContext({ ...PHONE, permissions: [] });
    const page = await toFront(context, url);
    await page.locator('section[data-step="front"]').getByRole("button", { name: "Use the camera" }).click();
    const alert = page.locator('section[data-step="front"] [role="alert"]');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain("Camera access was refused. Upload a photo instead");
    await page.locator('section[data-step="front"] input[type=file]').setInputFiles(PASSPORT);
    await page.getByRole("heading", { name: "A photo of your face" }).waitFor();
    expect((await storedSession(fake.world.server, id)).media.map((m) => m.context)).toEqual(["document-front"]);
    await context.close();
  });
});

/**
 * The same camera with the document held too far: the hint asks the person to come closer, in the
 * page's language, and no photo takes itself.
 */
describe(`the camera's framing hint (${storeKind})`, { timeout: 120_000 }, () => {
  const fake = fakeCamera(300);

  it.each([
    ["en", "Move closer: the document should fill the frame."],
    ["et", "Tule lähemale: dokument peaks raami täitma."],
    ["ar", "اقترب: يجب أن تملأ الوثيقة الإطار."],
  ])("says in %s that the document does not fill the frame, and takes no photo", async (lang, words) => {
    const { id, url } = await fake.world.session({ document: { type: "PASSPORT", country: "EE" } });
    const context = await fake.browser.newContext({ ...PHONE, permissions: ["camera"] });
    const page = await context.newPage();
    await page.goto(`${url}?lang=${lang}`);
    await page.locator('[data-action="accept"]').click();
    await page.locator('[data-action="document"]').click();
    const front = page.locator('section[data-step="front"]:not([hidden])');
    await front.locator('[data-action="camera"]').click();
    await expect.poll(() => front.locator(".camera-hint").textContent(), { timeout: 20_000 }).toBe(words);
    expect(await front.locator(".camera").getAttribute("data-hint")).toBe("small");
    expect(await front.locator("video").isVisible()).toBe(true);
    expect((await storedSession(fake.world.server, id)).media).toEqual([]);
    await context.close();
  });
});
