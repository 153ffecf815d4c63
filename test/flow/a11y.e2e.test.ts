import axe from "axe-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { storeKind } from "../support/server.js";
import { lifecycle } from "../lifecycle/helpers.js";
import { DESKTOP, type FlowWorld, PHONE, type StepName, flowWorld, launchChromium, walkFlow } from "./harness.js";

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/** axe-core run inside the page (evaluated through the driver, so the page's CSP does not stand in the way). */
async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    const browser = globalThis as unknown as { axe: typeof axe; document: unknown };
    const run = await browser.axe.run(browser.document as Parameters<typeof axe.run>[0], { resultTypes: ["violations"] });
    return run.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.length }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Every step of the flow and every page around it, checked by axe-core; and every step in Arabic, right to left. */
describe(`accessibility and right-to-left of the flow (${storeKind})`, { timeout: 120_000 }, () => {
  let browser: Browser;
  let world: FlowWorld;
  beforeAll(async () => {
    // The redirect would take the page away from the finish step before it is checked.
    [browser, world] = await Promise.all([launchChromium(), flowWorld({ callbackUrl: undefined })]);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it("has no serious or critical axe violation on any step", async () => {
    const { url } = await world.session();
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(url);
    const found: Record<string, Violation[]> = {};
    const seen: StepName[] = [];
    await walkFlow(page, async (step) => {
      seen.push(step);
      found[step] = await seriousViolations(page);
    });
    expect(seen).toEqual(["welcome", "document", "front", "back", "selfie", "review", "finish"]);
    expect(found).toEqual(Object.fromEntries(seen.map((step) => [step, []])));
    await page.context().close();
  });

  it("has none on the declined, hand-off, invalid, expired and finished pages either", async () => {
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    const found: Record<string, Violation[]> = {};

    await page.goto((await world.session()).url);
    await page.locator('[data-action="decline"]').click();
    await page.locator('section[data-step="declined"]:not([hidden])').waitFor();
    found.declined = await seriousViolations(page);

    await page.goto((await world.session()).url);
    await page.locator('[data-action="accept"]').click();
    await page.locator('input[value="PASSPORT"]').check();
    await page.locator("#country").selectOption("FI");
    await page.locator('[data-action="document"]').click();
    await page.locator('section[data-step="front"] [data-action="handoff"]').click();
    await page.locator('section[data-step="handoff"] .qr img').waitFor();
    found.handoff = await seriousViolations(page);

    await page.goto(`${world.server.url}/v/not-a-token`);
    found.invalid = await seriousViolations(page);
    const { id, url } = await world.session();
    const expired = world.server.services.tokens.sign({ sessionId: id, integrationId: world.shop.id, iat: Math.floor(Date.now() / 1000) - 8 * 86_400 });
    await page.goto(`${world.server.url}/v/${expired}`);
    found.expired = await seriousViolations(page);
    await lifecycle(world.shop).submit(id);
    await page.goto(url);
    found.done = await seriousViolations(page);

    expect(found).toEqual({ declined: [], handoff: [], invalid: [], expired: [], done: [] });
    await context.close();
  });

  it("renders every step right to left in Arabic, in Arabic", async () => {
    const { url } = await world.session();
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(`${url}?lang=ar`);
    const seen: string[] = [];
    await walkFlow(page, async (step) => {
      const layout = await page.evaluate((name) => {
        const { document, getComputedStyle } = globalThis as any;
        const section = document.querySelector(`section[data-step="${name}"]`);
        const heading = section.querySelector("h1");
        return { dir: document.documentElement.dir, lang: document.documentElement.lang, direction: getComputedStyle(section).direction as string, heading: (heading.textContent ?? "") as string };
      }, step);
      expect(layout.dir, step).toBe("rtl");
      expect(layout.lang, step).toBe("ar");
      expect(layout.direction, step).toBe("rtl");
      expect(layout.heading, step).toMatch(/[\u0600-\u06ff]/);
      seen.push(step);
    });
    expect(seen).toHaveLength(7);
    await page.context().close();
  });
});
