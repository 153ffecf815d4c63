import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { storeKind } from "../support/server.js";
import { assessed, lifecycle, storedSession } from "../lifecycle/helpers.js";
import { FACE, type FlowWorld, PASSPORT, PHONE, flowWorld, launchChromium } from "./harness.js";

/** What a person sees in a browser when the link is not a fresh one, when they decline, and when they are asked to try again. */
describe(`the flow's other endings, in a browser (${storeKind})`, { timeout: 120_000 }, () => {
  let browser: Browser;
  let world: FlowWorld;
  beforeAll(async () => {
    [browser, world] = await Promise.all([launchChromium(), flowWorld()]);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  async function visit(url: string): Promise<{ page: Page; status: number; heading: string }> {
    const page = await (await browser.newContext(PHONE)).newPage();
    const response = await page.goto(url);
    const heading = (await page.locator("h1:visible").first().textContent()) ?? "";
    return { page, status: response?.status() ?? 0, heading };
  }

  it("shows a tampered token the plain error page, with nothing of the token in it", async () => {
    const { token } = await world.session();
    const tampered = `${token.slice(0, -6)}abcdef`;
    const { page, status, heading } = await visit(`${world.server.url}/v/${tampered}`);
    expect([status, heading]).toEqual([404, "This link does not work"]);
    expect(await page.content()).not.toContain(tampered.slice(-30));
    await page.context().close();
  });

  it("tells an expired link it expired", async () => {
    const { id } = await world.session();
    const expired = world.server.services.tokens.sign({ sessionId: id, integrationId: world.shop.id, iat: Math.floor(Date.now() / 1000) - 8 * 86_400 });
    const { page, status, heading } = await visit(`${world.server.url}/v/${expired}`);
    expect([status, heading]).toEqual([410, "This link has expired"]);
    await page.context().close();
  });

  it("sends a finished session's person on to the callback, with nothing more to do", async () => {
    const { id, url } = await world.session();
    await lifecycle(world.shop).submit(id);
    const { page, heading } = await visit(url);
    expect(heading).toBe("Nothing more to do");
    await page.getByRole("link", { name: "Continue to Demo Shop" }).click();
    await page.waitForURL(`${world.receiver.url}/callback`);
    await page.context().close();
  });

  it("cancels when the person declines the consent: nothing uploaded, nothing submitted", async () => {
    const { id, url } = await world.session();
    const { page } = await visit(url);
    await page.getByRole("button", { name: "I do not agree" }).click();
    await page.getByRole("heading", { name: "Verification cancelled" }).waitFor();
    expect(await page.getByRole("link", { name: "Back to Demo Shop" }).getAttribute("href")).toBe(`${world.receiver.url}/callback`);
    const stored = await storedSession(world.server, id);
    expect(stored.media).toEqual([]);
    expect(stored.session?.submitted_at).toBeNull();
    await page.context().close();
  });

  it("opens a new attempt after a resubmission request and says what to fix", async () => {
    const sandbox = await world.server.integration({ name: "Sandbox", isTest: true, callbackUrl: `${world.receiver.url}/callback` });
    const { id, url } = await world.session({ person: { firstName: "Mari" }, document: { type: "PASSPORT", country: "EE" } }, sandbox);
    await lifecycle(sandbox).submit(id);
    await world.server.services.lifecycle.decide({ sessionId: id, verdict: "resubmission_requested", reasonCode: 204, actor: { kind: "reviewer", reviewerId: "test-reviewer" } });
    const { page, heading } = await visit(url);
    expect(heading).toBe("Please try once more");
    expect(await page.getByRole("note").textContent()).toContain("Take the photos in good light, holding still, without glare on the document.");
    await page.getByRole("button", { name: "I agree, start" }).click();
    // The session named a passport from Estonia: both preset and locked.
    expect(await page.locator('input[value="PASSPORT"]').isChecked()).toBe(true);
    expect(await page.locator("#country").isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "Photo page of your passport" }).waitFor();
    await page.locator('section[data-step="front"] input[type=file]').setInputFiles(PASSPORT);
    await page.getByRole("heading", { name: "A photo of your face" }).waitFor();
    await page.locator('section[data-step="selfie"] input[type=file]').setInputFiles(FACE);
    await page.getByRole("button", { name: "Submit" }).click();
    await page.waitForURL(`${world.receiver.url}/callback`);
    await assessed(world.server, id);
    const stored = await storedSession(world.server, id);
    expect(stored.attempts.map((a) => a.status)).toEqual(["resubmission_requested", "review"]);
    expect(stored.media.filter((m) => m.attempt_id === stored.attempts[1]!.id).map((m) => m.context).sort()).toEqual(["document-front", "face"]);
    await page.context().close();
  });

  it("says in words what is wrong with a file that is not a photo, and lets the person choose another", async () => {
    const { url } = await world.session({ document: { type: "PASSPORT", country: "FI" } });
    const { page } = await visit(url);
    await page.getByRole("button", { name: "I agree, start" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator('section[data-step="front"] input[type=file]').setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a photo") });
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "not a photo we can use" }).count()).toBe(1);
    await page.locator('section[data-step="front"] input[type=file]').setInputFiles(PASSPORT);
    await page.getByRole("heading", { name: "A photo of your face" }).waitFor();
    await page.context().close();
  });
});
