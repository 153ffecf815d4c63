import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { storeKind } from "../support/server.js";
import { assessed, storedSession } from "../lifecycle/helpers.js";
import { FACE, type FlowWorld, PASSPORT, PHONE, eventCodes, fixture, flowWorld, launchChromium } from "./harness.js";

/**
 * The whole flow on a phone-sized screen with file uploads only (no camera): consent, document,
 * front, back, selfie, review, submit, then the callback; the session is submitted with its three
 * images stored and both event webhooks received.
 */
describe(`the hosted flow with file uploads on a phone (${storeKind})`, { timeout: 90_000 }, () => {
  let browser: Browser;
  let world: FlowWorld;
  beforeAll(async () => {
    [browser, world] = await Promise.all([launchChromium(), flowWorld()]);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it("takes a person from consent to the callback, and the session goes on as a PATCH-submitted one", async () => {
    const { id, url } = await world.session({ vendorData: "flow-e2e" });
    const context = await browser.newContext({ ...PHONE, locale: "en-GB" });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
    await page.goto(url);

    await expect.poll(() => page.getByRole("heading", { name: "Verify your identity" }).isVisible()).toBe(true);
    expect(await page.getByText("Demo Shop asks you to confirm who you are").isVisible()).toBe(true);
    await page.getByRole("button", { name: "I agree, start" }).click();

    await page.getByLabel("Identity card").check();
    await page.getByLabel("Issuing country").selectOption("EE");
    await page.getByRole("button", { name: "Continue" }).click();

    await page.getByRole("heading", { name: "Front of your document" }).waitFor();
    await page.getByLabel("Upload a photo").first().setInputFiles(PASSPORT);
    await page.getByRole("heading", { name: "Back of your document" }).waitFor();
    await page.locator('section[data-step="back"] input[type=file]').setInputFiles(PASSPORT);
    await page.getByRole("heading", { name: "A photo of your face" }).waitFor();
    await page.locator('section[data-step="selfie"] input[type=file]').setInputFiles(FACE);

    await page.getByRole("heading", { name: "Check your photos" }).waitFor();
    await expect.poll(() => page.locator(".shots img").count()).toBe(3);
    await page.getByRole("button", { name: "Submit" }).click();
    await page.getByRole("heading", { name: "Thank you" }).waitFor();
    await page.waitForURL(`${world.receiver.url}/callback`);

    // A live integration's submission waits for a person: submitted, then review through its job, as after PATCH.
    await assessed(world.server, id);
    const stored = await storedSession(world.server, id);
    expect(stored.session?.status).toBe("review");
    expect(stored.attempts).toHaveLength(1);
    expect(stored.attempts[0]?.status).toBe("review");
    expect(stored.media.map((m) => m.context).sort()).toEqual(["document-back", "document-front", "face"]);
    expect(stored.media.every((m) => m.mimetype === "image/jpeg" && m.attempt_id === stored.attempts[0]?.id)).toBe(true);
    // Downscaled in the browser: the long side at most 2000 (documents) or 1280 (selfie) pixels.
    for (const m of stored.media) expect(Math.max(m.width ?? 0, m.height ?? 0)).toBeLessThanOrEqual(2000);
    expect(stored.audit.filter((e) => e.actor === "end-user").map((e) => e.type)).toEqual(expect.arrayContaining(["session.started", "media.uploaded", "session.submitted"]));

    await world.receiver.waitFor(() => eventCodes(world.receiver, id).length >= 2);
    expect(eventCodes(world.receiver, id).sort()).toEqual([7001, 7002]);
    // The callback carries no decision: the address is exactly the integrator's.
    const callbackHit = world.receiver.received.find((r) => r.path.startsWith("/callback"));
    expect(callbackHit?.path).toBe("/callback");
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it("retakes a photo from the review: the new one replaces the old, for the integrator too", async () => {
    const { id, url } = await world.session({ document: { type: "PASSPORT", country: "EE" } });
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(url);
    await page.getByRole("button", { name: "I agree, start" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator('section[data-step="front"] input[type=file]').setInputFiles(PASSPORT);
    await page.getByRole("heading", { name: "A photo of your face" }).waitFor();
    await page.locator('section[data-step="selfie"] input[type=file]').setInputFiles(FACE);
    await page.getByRole("heading", { name: "Check your photos" }).waitFor();
    const before = (await storedSession(world.server, id)).media.find((m) => m.context === "document-front")!;
    await page.getByRole("button", { name: "Retake: Photo page of your passport" }).click();
    await page.locator('section[data-step="front"] input[type=file]').setInputFiles(fixture("icao-passport-td2.jpg"));
    await page.getByRole("heading", { name: "Check your photos" }).waitFor();
    const listed = await world.shop.api.request("GET", `/earthid/api/sessions/${id}/media`, { signOver: id });
    const fronts = listed.body.images.filter((m: { context: string }) => m.context === "document-front");
    expect(fronts).toHaveLength(1);
    expect(fronts[0].id).not.toBe(before.id);
    await page.getByRole("button", { name: "Submit" }).click();
    await page.waitForURL(`${world.receiver.url}/callback`);
    const stored = await storedSession(world.server, id);
    expect(stored.media.map((m) => m.context).sort()).toEqual(["document-front", "face"]);
    expect(stored.media.find((m) => m.context === "document-front")?.sha256).not.toBe(before.sha256);
    await context.close();
  });
});
