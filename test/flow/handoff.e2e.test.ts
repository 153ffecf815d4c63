import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { storeKind } from "../support/server.js";
import { storedSession } from "../lifecycle/helpers.js";
import { DESKTOP, FACE, type FlowWorld, PASSPORT, PHONE, flowWorld, launchChromium } from "./harness.js";

/**
 * Desktop to phone: the desktop shows a QR code and the link, the phone (another browser context)
 * continues the same session, the desktop follows its progress live (server-sent events read from
 * the store) and finishes when the phone submits.
 */
describe(`the hand-off from a desktop to a phone (${storeKind})`, { timeout: 120_000 }, () => {
  let browser: Browser;
  let world: FlowWorld;
  beforeAll(async () => {
    [browser, world] = await Promise.all([launchChromium(), flowWorld()]);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it("continues on the phone and finishes on both", async () => {
    const { id, url } = await world.session({ document: { type: "PASSPORT", country: "EE" } });
    const desktop = await (await browser.newContext(DESKTOP)).newPage();
    await desktop.goto(url);
    await desktop.getByRole("button", { name: "I agree, start" }).click();
    await desktop.getByRole("button", { name: "Continue" }).click();
    await desktop.getByRole("button", { name: "Continue on your phone" }).click();
    await desktop.getByRole("heading", { name: "Continue on your phone" }).waitFor();
    const qr = desktop.locator(".qr img");
    await expect.poll(() => qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
    // A link short enough to type: a code that redirects to the session's own address.
    const shortLink = (await desktop.locator(".short-link a").getAttribute("href"))!;
    expect(shortLink).toMatch(new RegExp(`^${world.server.url}/v/[A-HJ-NP-Z2-9]{10}$`));
    expect(await desktop.locator(".short-link a").textContent()).toBe(shortLink.replace("http://", ""));
    await expect.poll(() => desktop.getByRole("status").filter({ hasText: "Waiting for your phone" }).count()).toBe(1);

    const phone = await (await browser.newContext(PHONE)).newPage();
    await phone.goto(shortLink);
    expect(phone.url()).toBe(url);
    await phone.getByRole("button", { name: "I agree, start" }).click();
    await phone.getByRole("button", { name: "Continue" }).click();
    expect(await phone.getByRole("button", { name: "Continue on your phone" }).isVisible()).toBe(false);
    await phone.locator('section[data-step="front"] input[type=file]').setInputFiles(PASSPORT);
    await phone.getByRole("heading", { name: "A photo of your face" }).waitFor();
    await expect.poll(() => desktop.getByRole("status").filter({ hasText: "On your phone: 1 of 2 photos taken." }).count(), { timeout: 10_000 }).toBe(1);
    await phone.locator('section[data-step="selfie"] input[type=file]').setInputFiles(FACE);
    await phone.getByRole("button", { name: "Submit" }).click();

    await desktop.getByRole("heading", { name: "Thank you" }).waitFor({ timeout: 15_000 });
    await Promise.all([phone.waitForURL(`${world.receiver.url}/callback`), desktop.waitForURL(`${world.receiver.url}/callback`)]);
    const stored = await storedSession(world.server, id);
    // One attempt: the phone went on with the one the desktop opened.
    expect(stored.attempts).toHaveLength(1);
    expect(stored.session?.status).toBe("review");
    await desktop.context().close();
    await phone.context().close();
  });
});
