import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { storeKind } from "../support/server.js";
import { lifecycle, storedSession } from "../lifecycle/helpers.js";
import { DESKTOP, FACE, type FlowWorld, PASSPORT, eventCodes, flowWorld, launchChromium } from "./harness.js";
import { startParentSite } from "./parent-site.js";

/**
 * The flow inside an integrator's page: framed by @veriff/incontext-sdk 2.5.0 on another origin,
 * which hears STARTED, SUBMITTED and FINISHED unmodified; refused where the integration did not
 * allow the origin; and reached through @veriff/js-sdk 2.0.0 creating the session from a browser.
 */
describe(`the flow embedded by Veriff's web SDKs (${storeKind})`, { timeout: 120_000 }, () => {
  let browser: Browser;
  let world: FlowWorld;
  let parent: Awaited<ReturnType<typeof startParentSite>>;
  beforeAll(async () => {
    parent = await startParentSite();
    [browser, world] = await Promise.all([launchChromium(), flowWorld({ frameAncestors: parent.origin })]);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
    await parent?.close();
  });

  const events = (page: import("playwright-core").Page) => page.evaluate(() => (globalThis as unknown as { veriffEvents: string[] }).veriffEvents);

  it("speaks the incontext SDK's protocol to a parent on an allowed origin", async () => {
    const { id, url } = await world.session();
    const page = await (await browser.newContext(DESKTOP)).newPage();
    await page.goto(`${parent.origin}/embed?url=${encodeURIComponent(url)}`);
    const frame = page.frameLocator("#veriffFrame");
    await frame.locator('[data-action="accept"]').click();
    await expect.poll(() => events(page)).toEqual(["STARTED"]);
    await frame.locator('input[value="PASSPORT"]').check();
    await frame.locator("#country").selectOption("EE");
    await frame.locator('[data-action="document"]').click();
    await frame.locator('section[data-step="front"] input[type=file]').setInputFiles(PASSPORT);
    await frame.locator('section[data-step="selfie"]:not([hidden])').waitFor();
    await frame.locator('section[data-step="selfie"] input[type=file]').setInputFiles(FACE);
    await frame.locator('[data-action="submit"]').click();
    await expect.poll(() => events(page)).toEqual(["STARTED", "SUBMITTED"]);
    await frame.locator('[data-action="finish"]').click();
    await expect.poll(() => events(page)).toEqual(["STARTED", "SUBMITTED", "FINISHED"]);
    // The SDK closes its frame on FINISHED; the parent page stays where it was.
    await expect.poll(() => page.locator("#veriffFrame").count()).toBe(0);
    expect(page.url()).toContain(`${parent.origin}/embed`);
    expect((await storedSession(world.server, id)).session?.status).toBe("review");
    await world.receiver.waitFor(() => eventCodes(world.receiver, id).length >= 2);
    await page.context().close();
  });

  it("tells the parent FINISHED, after the handshake, when the session has nothing more to do, and the SDK closes the frame", async () => {
    const { id, url } = await world.session();
    await lifecycle(world.shop).submit(id);
    const page = await (await browser.newContext(DESKTOP)).newPage();
    await page.goto(`${parent.origin}/embed?url=${encodeURIComponent(url)}`);
    await expect.poll(() => events(page)).toEqual(["FINISHED"]);
    await expect.poll(() => page.locator("#veriffFrame").count()).toBe(0);
    const messages = await page.evaluate(() => (globalThis as unknown as { veriffMessages: unknown[] }).veriffMessages);
    expect(messages).toEqual(["VERIFF_HANDSHAKE", "VERIFF_FINISHED"]);
    expect(page.url()).toContain(`${parent.origin}/embed`);
    await page.context().close();
  });

  it("tells the parent CANCELED when the person declines, and the SDK closes the frame", async () => {
    const { url } = await world.session();
    const page = await (await browser.newContext(DESKTOP)).newPage();
    await page.goto(`${parent.origin}/embed?url=${encodeURIComponent(url)}`);
    await page.frameLocator("#veriffFrame").locator('[data-action="decline"]').click();
    await expect.poll(() => events(page)).toEqual(expect.arrayContaining(["CANCELED"]));
    await expect.poll(() => page.locator("#veriffFrame").count()).toBe(0);
    await page.context().close();
  });

  it("cannot be framed by an origin the integration did not allow", async () => {
    const strict = await world.server.integration({ name: "Strict", callbackUrl: `${world.receiver.url}/callback` });
    const { id, url } = await world.session({}, strict);
    const page = await (await browser.newContext(DESKTOP)).newPage();
    const refused = page.waitForEvent("console", { predicate: (message) => /frame-ancestors/.test(message.text()) });
    await page.goto(`${parent.origin}/embed?url=${encodeURIComponent(url)}`);
    expect((await refused).text()).toContain("'none'");
    expect(await page.frameLocator("#veriffFrame").locator("[data-action]").count()).toBe(0);
    expect(await events(page)).toEqual([]);
    expect((await storedSession(world.server, id)).session?.status).toBe("created");
    await page.context().close();
  });

  it("follows a session created in the browser by @veriff/js-sdk 2.0.0 into the flow", async () => {
    const page = await (await browser.newContext(DESKTOP)).newPage();
    await page.goto(`${parent.origin}/create?host=${encodeURIComponent(world.server.url)}&key=${world.shop.apiKey}`);
    await page.locator("#veriff-root input[name=givenName]").fill("Mari");
    await page.locator("#veriff-root input[name=lastName]").fill("Maasikas");
    await page.locator("#veriff-root [type=submit]").click();
    await page.waitForURL(`${world.server.url}/v/**`);
    await page.locator('section[data-step="welcome"]:not([hidden])').waitFor();
    expect(await page.locator("h1:visible").textContent()).toBe("Verify your identity");
    await page.locator('[data-action="accept"]').click();
    await page.locator('section[data-step="document"]:not([hidden])').waitFor();
    const token = new URL(page.url()).pathname.split("/")[2]!;
    const id = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).session_id as string;
    await expect.poll(async () => (await storedSession(world.server, id)).session?.status).toBe("started");
    // vendorData is stored sealed: read back as the integrator reads it.
    expect((await world.shop.api.getSession(id)).body.verification.vendorData).toBe("from-js-sdk");
    await page.context().close();
  });
});
