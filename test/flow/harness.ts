import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type LaunchOptions, chromium } from "playwright-core";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
export { freePort } from "../support/built-cli.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import type { CreateIntegrationOptions } from "../../src/integrations/service.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const fixture = (name: string) => path.resolve(here, "../fixtures/images", name);
export const PASSPORT = fixture("icao-passport-td3.jpg");
export const FACE = fixture("obama.jpg");
export const passportBytes = () => readFileSync(PASSPORT);

export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** Debian's chromium, driven by playwright-core: one per test file, launched in beforeAll. */
export function launchChromium(extra: Partial<LaunchOptions> = {}): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.EARTHID_CHROMIUM ?? "/usr/bin/chromium", ...extra, args: [...CHROMIUM_ARGS, ...(extra.args ?? [])] });
}

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;
export const DESKTOP = { viewport: { width: 1280, height: 800 } } as const;

export interface FlowWorld {
  server: TestServer;
  receiver: Receiver;
  shop: TestIntegration;
  /** A session of `shop` and the flow's address on this server. */
  session(verification?: Record<string, unknown>, integration?: TestIntegration): Promise<{ id: string; url: string; token: string }>;
  close(): Promise<void>;
}

/**
 * A server on the store of this test project, a webhook receiver on loopback that also plays the
 * integrator's callback page, and an integration whose event webhooks and callback point at it.
 */
export async function flowWorld(options: Partial<CreateIntegrationOptions> = {}): Promise<FlowWorld> {
  const receiver = await startReceiver();
  const server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1" }, {}, { publicUrlIsListenAddress: true });
  const shop = await server.integration({ name: "Demo Shop", callbackUrl: `${receiver.url}/callback`, eventWebhookUrl: `${receiver.url}/events`, ...options });
  return {
    server,
    receiver,
    shop,
    async session(verification = {}, integration = shop) {
      const created = await integration.api.createSession(verification);
      if (created.status !== 201) throw new Error(`session creation failed: ${created.status} ${created.text}`);
      const { id, sessionToken, url } = created.body.verification as { id: string; sessionToken: string; url: string };
      return { id, token: sessionToken, url };
    },
    async close() {
      await server.close();
      await receiver.close();
    },
  };
}

/** The event webhooks (7001, 7002) the receiver got for one session, by code. */
export const eventCodes = (receiver: Receiver, sessionId: string) =>
  receiver.received.filter((r) => r.path === "/events" && r.json?.id === sessionId).map((r) => r.json.code as number);

export type StepName = "welcome" | "document" | "front" | "back" | "selfie" | "review" | "finish";

/** The visible step of the flow page. */
export const visibleStep = (page: import("playwright-core").Page) => page.locator("section[data-step]:not([hidden])").getAttribute("data-step");

/**
 * Walks the flow with file uploads, an ID card from Estonia, calling `at` on every step before
 * leaving it; works in any language (it clicks by role and position, not by text).
 */
export async function walkFlow(page: import("playwright-core").Page, at: (step: StepName) => Promise<void> = async () => {}): Promise<void> {
  const waitStep = async (step: StepName) => {
    await page.locator(`section[data-step="${step}"]:not([hidden])`).waitFor();
    await at(step);
  };
  await waitStep("welcome");
  await page.locator('[data-action="accept"]').click();
  await waitStep("document");
  await page.locator('input[value="ID_CARD"]').check();
  await page.locator("#country").selectOption("EE");
  await page.locator('[data-action="document"]').click();
  await waitStep("front");
  await page.locator('section[data-step="front"] input[type=file]').setInputFiles(PASSPORT);
  await waitStep("back");
  await page.locator('section[data-step="back"] input[type=file]').setInputFiles(PASSPORT);
  await waitStep("selfie");
  await page.locator('section[data-step="selfie"] input[type=file]').setInputFiles(FACE);
  await waitStep("review");
  await page.locator('[data-action="submit"]').click();
  await waitStep("finish");
}
