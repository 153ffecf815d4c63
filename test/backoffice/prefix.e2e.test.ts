import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { totpCode } from "../../src/backoffice/totp.js";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { passportJpeg } from "../media/images.js";
import { PASSWORD, makeReviewer, sessionInReview } from "./support.js";
import { cspReports, launchChromium } from "./browser.js";

const PREFIX = "/ops/backoffice";

/** Every link, form, asset and image of the page as written in it (fragments aside). */
const pathsOn = (page: Page) =>
  page.$$eval("a[href], form[action], link[href], script[src], img[src]", (elements) =>
    elements.map((e) => e.getAttribute("href") ?? e.getAttribute("action") ?? e.getAttribute("src") ?? "").filter((path) => !path.startsWith("#")),
  );

/** EARTHID_ADMIN_PREFIX: a reviewer's round in Debian's chromium never leaves the configured path. */
describe(`the back-office under ${PREFIX}, in the browser (${storeKind})`, { timeout: 240_000 }, () => {
  let server: TestServer;
  let shop: TestIntegration;
  let browser: Browser;
  let secret: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ EARTHID_ADMIN_PREFIX: PREFIX }), launchChromium()]);
    shop = await server.integration({ name: "Prefixed shop" });
    secret = (await makeReviewer(server, "prefixed@example.com", "admin", { totp: true })).secret!;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("logs in, opens the queue and a case, decides it: every link, request and cookie stays under the prefix", async () => {
    const id = await sessionInReview(server, shop, "prefixed-case", { image: passportJpeg() });
    const context = await browser.newContext();
    const page = await context.newPage();
    const csp = cspReports(page);
    const requested: string[] = [];
    page.on("request", (request) => requested.push(new URL(request.url()).pathname));
    const seen: string[] = [];
    const look = async () => seen.push(...(await pathsOn(page)));

    await page.goto(`${server.url}${PREFIX}`);
    await page.waitForURL(new RegExp(`${PREFIX}/login$`));
    await look();
    await page.getByLabel("Email").fill("prefixed@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(new RegExp(`${PREFIX}/login/code$`));
    await look();
    await page.getByLabel(/6-digit code/).fill(totpCode(secret, Date.now()));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(new RegExp(`${PREFIX}/queue$`));
    await look();

    await page.getByRole("link", { name: id }).click();
    await page.waitForURL(new RegExp(`${PREFIX}/sessions/${id}$`));
    const image = page.getByRole("img", { name: "document-front, image 1" });
    await expect.poll(() => image.evaluate((img: any) => (img.complete ? (img.naturalWidth as number) : 0))).toBeGreaterThan(0);
    await look();
    await page.keyboard.press("2");
    await page.getByLabel("Reason (decline or resubmission)").selectOption("102");
    await page.getByRole("button", { name: "Decide and open the next case" }).click();
    await page.getByText("Decision recorded: declined.").waitFor();
    expect(new URL(page.url()).pathname.startsWith(`${PREFIX}/`)).toBe(true);
    await look();
    for (const path of ["overview", "integrations", "deliveries", "account"]) {
      await page.getByRole("link", { name: { overview: "Overview", integrations: "Integrations", deliveries: "Webhook deliveries", account: "Account" }[path]! }).click();
      await page.waitForURL(new RegExp(`${PREFIX}/${path}$`));
      await look();
    }
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(new RegExp(`${PREFIX}/login$`));

    expect((await server.services.lifecycle.findAny(id))!.status).toBe("declined");
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((path) => !path.startsWith(`${PREFIX}/`))).toEqual([]);
    expect(requested.filter((path) => !path.startsWith(PREFIX))).toEqual([]);
    const cookies = await context.cookies();
    expect(cookies.length).toBeGreaterThan(0);
    expect(cookies.filter((cookie) => cookie.path !== PREFIX)).toEqual([]);
    expect(csp).toEqual([]);
  });

  it("answers 404 at /admin, which it no longer is", async () => {
    for (const path of ["/admin", "/admin/login", "/admin/queue", "/admin/assets/admin.css"]) expect((await fetch(server.url + path)).status, path).toBe(404);
    expect((await fetch(`${server.url}${PREFIX}/login`)).status).toBe(200);
  });
});
