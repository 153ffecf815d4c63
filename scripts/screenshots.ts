// `npm run screenshots`: every step of the hosted flow at phone and desktop size, as PNGs in
// docs/screenshots/, from a real server on a throwaway SQLite store, driven in Debian's chromium.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { buildFlow } from "./build-flow.mjs";
import { buildApp } from "../src/app/http.js";
import { openMigratedServices } from "../src/app/compose.js";
import { loadConfig } from "../src/config.js";
import { FACE, PASSPORT, freePort, launchChromium } from "../test/flow/harness.js";
import { writeDocumentVideo } from "../test/flow/fake-camera.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "docs", "screenshots");
const SIZES = {
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
} as const;

await buildFlow({ quiet: true });
mkdirSync(out, { recursive: true });
const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-screens-"));
const video = path.join(dataDir, "document.y4m");
await writeDocumentVideo(video);
const port = await freePort();
const publicUrl = `http://127.0.0.1:${port}`;
const config = loadConfig({ EARTHID_DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: publicUrl, LOG_LEVEL: "silent" });
const { app, services } = await buildApp(config, (observers) => openMigratedServices(config, observers));
await app.listen({ port, host: "127.0.0.1" });
const shop = await services.integrations.createIntegration({ name: "Northwind Bank", isTest: true });
const { tokens } = services;

async function session(verification: Record<string, unknown> = {}): Promise<{ id: string; url: string }> {
  const response = await fetch(`${publicUrl}/earthid/api/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-auth-client": shop.apiKey },
    body: JSON.stringify({ verification: { callback: "https://northwind.example/verified", ...verification } }),
  });
  const { verification: created } = (await response.json()) as { verification: { id: string; url: string } };
  return created;
}

const browser = await launchChromium({ args: ["--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${video}`] });
const written: string[] = [];
try {
  for (const [size, options] of Object.entries(SIZES)) {
    let n = 0;
    const shoot = async (page: Page, name: string) => {
      await page.evaluate("new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))");
      const file = path.join(out, `${size}-${String(++n).padStart(2, "0")}-${name}.png`);
      await page.screenshot({ path: file, fullPage: size === "phone" });
      written.push(path.relative(root, file));
    };
    const context = await browser.newContext({ ...options, permissions: ["camera"], locale: "en-GB" });
    const page = await context.newPage();
    const step = (name: string) => page.locator(`section[data-step="${name}"]:not([hidden])`).waitFor();

    await page.goto((await session()).url);
    await step("welcome");
    await shoot(page, "welcome");
    await page.locator('[data-action="accept"]').click();
    await page.locator('input[value="ID_CARD"]').check();
    await page.locator("#country").selectOption("EE");
    await shoot(page, "document");
    await page.locator('[data-action="document"]').click();
    await step("front");
    await shoot(page, "front");
    await page.locator('section[data-step="front"] [data-action="camera"]').click();
    await page.locator('section[data-step="front"] .camera:not([hidden])').waitFor();
    await page.locator('section[data-step="front"] .camera-hint').waitFor();
    await shoot(page, "front-camera");
    await step("back");
    await shoot(page, "back");
    await page.locator('section[data-step="back"] input[type=file]').setInputFiles(PASSPORT);
    await step("selfie");
    await shoot(page, "selfie");
    await page.locator('section[data-step="selfie"] input[type=file]').setInputFiles(FACE);
    await step("review");
    await page.locator(".shots img").last().waitFor();
    await shoot(page, "review");
    await page.route("https://northwind.example/**", (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>Northwind Bank</h1>" }));
    await page.locator('[data-action="submit"]').click();
    await step("finish");
    await shoot(page, "finish");

    await page.goto((await session()).url);
    await page.locator('[data-action="decline"]').click();
    await step("declined");
    await shoot(page, "declined");

    if (size === "desktop") {
      await page.goto((await session({ document: { type: "PASSPORT", country: "FI" } })).url);
      await page.locator('[data-action="accept"]').click();
      await page.locator('[data-action="document"]').click();
      await page.locator('section[data-step="front"] [data-action="handoff"]').click();
      await page.locator(".qr img").waitFor();
      await page.waitForFunction("document.querySelector('.qr img')?.complete");
      await shoot(page, "handoff");
    }

    const resubmitted = await session({ person: { firstName: "Resubmit" } });
    await services.lifecycle.submit({ sessionId: resubmitted.id, actor: { kind: "integrator", integrationId: shop.id } });
    await page.goto(resubmitted.url);
    await step("welcome");
    await shoot(page, "resubmission");

    await page.goto(`${(await session()).url}?lang=ar`);
    await step("welcome");
    await shoot(page, "welcome-arabic");

    await page.goto(`${publicUrl}/v/not-a-valid-token`);
    await shoot(page, "invalid-link");
    const stale = await session();
    await page.goto(`${publicUrl}/v/${tokens.sign({ sessionId: stale.id, integrationId: shop.id, iat: Math.floor(Date.now() / 1000) - 8 * 86_400 })}`);
    await shoot(page, "expired-link");
    const done = await session({ person: { firstName: "Approve" } });
    await services.lifecycle.submit({ sessionId: done.id, actor: { kind: "integrator", integrationId: shop.id } });
    await page.goto(done.url);
    await shoot(page, "nothing-to-do");
    await context.close();
  }
} finally {
  await browser.close();
  await app.close();
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(written.join("\n"));
