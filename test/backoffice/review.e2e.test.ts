import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { totpCode } from "../../src/backoffice/totp.js";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { passportJpeg } from "../media/images.js";
import { PASSWORD, makeReviewer, sessionInReview } from "./support.js";
import { cspReports, launchChromium, seriousViolations } from "./browser.js";

/** A reviewer's day in Debian's chromium: log in with a code, find a case, look at it, decline it. */
describe(`back-office in the browser (${storeKind})`, { timeout: 240_000 }, () => {
  let server: TestServer;
  let receiver: Receiver;
  let shop: TestIntegration;
  let browser: Browser;
  let adminSecret: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    [server, browser] = await Promise.all([startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1" }), launchChromium()]);
    shop = await server.integration({ name: "Acme shop", decisionWebhookUrl: `${receiver.url}/decision` });
    adminSecret = (await makeReviewer(server, "admin@example.com", "admin", { totp: true })).secret!;
    await makeReviewer(server, "rita@example.com", "reviewer");
    await makeReviewer(server, "sam@example.com", "reviewer");
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await receiver?.close();
  });

  async function newPage(): Promise<{ page: Page; csp: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    return { page, csp: cspReports(page) };
  }

  async function logIn(page: Page, email: string, secret?: string) {
    await page.goto(`${server.url}/admin`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    if (secret) {
      await page.waitForURL(/\/admin\/login\/code$/);
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel(/6-digit code/).fill(totpCode(secret, Date.now()));
      await page.getByRole("button", { name: "Continue" }).click();
    }
    await page.waitForURL(/\/admin\/queue/);
  }

  it("logs in with password and code, finds the case, sees its image, declines it with a reason; the webhook arrives", async () => {
    const id = await sessionInReview(server, shop, "browser-case", { image: passportJpeg() });
    const { page, csp } = await newPage();
    await page.goto(`${server.url}/admin/login`);
    expect(await seriousViolations(page)).toEqual([]);
    await logIn(page, "admin@example.com", adminSecret);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("link", { name: id }).click();
    await page.waitForURL(new RegExp(`/admin/sessions/${id}$`));
    const image = page.getByRole("img", { name: "document-front, image 1" });
    await expect.poll(() => image.evaluate((img: any) => (img.complete ? (img.naturalWidth as number) : 0))).toBeGreaterThan(0);
    await page.getByRole("button", { name: /Zoom document-front/ }).click();
    expect(await page.getByRole("button", { name: /Zoom document-front/ }).getAttribute("aria-pressed")).toBe("true");
    expect(await seriousViolations(page)).toEqual([]);

    await page.keyboard.press("2"); // decline, from the keyboard
    await page.getByLabel("Reason (decline or resubmission)").selectOption("102");
    await page.getByLabel(/^Note/).fill("photo page re-laminated");
    await page.getByRole("button", { name: "Decide and open the next case" }).click();
    await page.getByText("Decision recorded: declined.").waitFor();

    const hooks = await receiver.waitFor((all) => all.some((r) => r.json?.verification?.id === id && r.json.verification.status === "declined"));
    const hook = hooks.find((r) => r.json?.verification?.id === id && r.json.verification.status === "declined")!;
    expect(hook.json.verification).toMatchObject({ code: 9102, reasonCode: 102 });
    expect(csp).toEqual([]);

    for (const path of ["/admin/overview", "/admin/integrations", `/admin/integrations/${shop.id}`, "/admin/deliveries", "/admin/account", `/admin/sessions/${id}`]) {
      await page.goto(server.url + path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    expect(csp).toEqual([]);
  });

  it("two reviewers assigning the same case: the second is told who has it", async () => {
    const id = await sessionInReview(server, shop, "contested-in-browser");
    const rita = await newPage();
    const sam = await newPage();
    await logIn(rita.page, "rita@example.com");
    await logIn(sam.page, "sam@example.com");
    await rita.page.goto(`${server.url}/admin/sessions/${id}`);
    await sam.page.goto(`${server.url}/admin/sessions/${id}`);
    await rita.page.getByRole("button", { name: "Assign to me" }).click();
    await rita.page.getByText("The case is assigned to you.").waitFor();
    await sam.page.getByRole("button", { name: "Assign to me" }).click();
    await sam.page.getByText("This case is already assigned to rita@example.com.").first().waitFor();
    expect(await seriousViolations(sam.page)).toEqual([]);
  });

  it("a reviewer typing an admin page's URL is refused", async () => {
    const { page } = await newPage();
    await logIn(page, "sam@example.com");
    expect(await page.getByRole("link", { name: "Integrations" }).count()).toBe(0);
    const response = await page.goto(`${server.url}/admin/integrations`);
    expect(response?.status()).toBe(403);
    await page.getByText("This page is for administrators only.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("a form posted from another page without the CSRF token is refused", async () => {
    const id = await sessionInReview(server, shop, "forged");
    const { page } = await newPage();
    await logIn(page, "rita@example.com");
    // The browser sends its cookie with a form built by script, but the script cannot know the token.
    const status = await page.evaluate(async (sessionId) => {
      const res = await fetch(`/admin/sessions/${sessionId}/decision`, { method: "POST", body: new URLSearchParams({ verdict: "approved" }) });
      return res.status;
    }, id);
    expect(status).toBe(403);
    expect((await server.services.lifecycle.findAny(id))!.status).toBe("review");
  });

  it("locks the account after repeated failures, and says so", async () => {
    await makeReviewer(server, "forgetful@example.com", "reviewer");
    const { page } = await newPage();
    await page.goto(`${server.url}/admin/login`);
    for (let i = 0; i < 5; i++) {
      await page.getByLabel("Email").fill("forgetful@example.com");
      await page.getByLabel("Password").fill(`guess number ${i}`);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("alert").waitFor();
    }
    await page.getByLabel("Email").fill("forgetful@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByText("this account is locked").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });
});
