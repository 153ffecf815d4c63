import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { totpCode } from "../../src/backoffice/totp.js";
import { DEFAULT_POLICY } from "../../src/engine/policy/policy.js";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { PASSWORD, makeReviewer, sessionInReview as sessionSubmitted } from "./support.js";
import { cspReports, launchChromium, seriousViolations } from "./browser.js";
import { createSession } from "../lifecycle/helpers.js";

/** An administrator tunes an integration in Debian's chromium: the engine's policy, then strict signing. */
describe(`an integration's settings in the browser (${storeKind})`, { timeout: 240_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let csp: string[];
  let shop: TestIntegration;

  beforeAll(async () => {
    // The real assessment (its engine loaded only for images, which these submissions do not bring): it records the policy version it decided under.
    [server, browser] = await Promise.all([startTestServer({}, { assessment: undefined }), launchChromium()]);
    shop = await server.integration({ name: "Acme shop" });
    const { secret } = await makeReviewer(server, "admin@example.com", "admin", { totp: true });
    page = await (await browser.newContext()).newPage();
    csp = cspReports(page);
    await page.goto(`${server.url}/admin`);
    await page.getByLabel("Email").fill("admin@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/admin\/login\/code$/);
    await page.getByLabel(/6-digit code/).fill(totpCode(secret!, Date.now()));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(/\/admin\/queue/);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The policy version each assessment of the session was made under, as the engine recorded it. */
  const assessedUnder = async (sessionId: string) =>
    (await server.services.store.db.withTables<{ engine_assessments: { session_id: string; policy_version: number | null } }>().selectFrom("engine_assessments").select("policy_version").where("session_id", "=", sessionId).execute()).map((r) => r.policy_version);

  it("raises the face threshold: a new policy version, shown with its author, and the next assessment is made under it", async () => {
    await page.goto(`${server.url}/admin/integrations/${shop.id}`);
    await page.getByText("Version 1 (the default: never changed).").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel("Face similarity threshold").fill("0.7");
    await page.getByRole("button", { name: "Save as version 2" }).click();
    await page.getByText("New policy version saved").waitFor();
    expect(await page.getByTestId("policy-version").textContent()).toMatch(/^Version 2, made \d{4}-\d\d-\d\d \d\d:\d\d UTC by admin@example\.com\.$/);
    expect(await page.getByLabel("Face similarity threshold").inputValue()).toBe("0.7");

    const { policy } = await server.services.policies.inForce(shop.id);
    expect(policy).toMatchObject({ version: 2, face: { threshold: 0.7 } });
    const [event] = await server.services.store.db.selectFrom("audit_events").selectAll().where("integration_id", "=", shop.id).where("type", "=", "integration.policy_changed").execute();
    expect(event!.actor).toBe("reviewer");
    expect(JSON.parse(event!.data)).toMatchObject({ version: 2, changes: { faceThreshold: { from: DEFAULT_POLICY.face.threshold, to: 0.7 } } });

    const submitted = await sessionSubmitted(server, shop, "after-the-change");
    expect(await assessedUnder(submitted)).toEqual([2]);
  });

  it("refuses a threshold above 1 on the page, saying why; the version stays", async () => {
    await page.goto(`${server.url}/admin/integrations/${shop.id}`);
    await page.getByLabel("Face similarity threshold").fill("1.5");
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/policy")), page.getByRole("button", { name: "Save as version 3" }).click()]);
    expect(response.status()).toBe(400);
    await page.getByRole("alert").getByText("the face threshold must be above 0 and at most 1, got 1.5").waitFor();
    expect((await server.services.policies.current(shop.id)).version).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("turns strict signatures on: the API client's unstamped call is refused with 401 at once", async () => {
    const sessionId = await createSession(shop, { vendorData: "strict" });
    const unstamped = () => shop.api.request("GET", `/earthid/api/sessions/${sessionId}/decision`, { signOver: sessionId });
    expect((await unstamped()).status).toBe(200);

    await page.goto(`${server.url}/admin/integrations/${shop.id}`);
    await page.getByLabel("Strict signatures").check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Saved (recorded in the audit trail).").waitFor();
    expect(await page.getByTestId("signing").textContent()).toMatch(/^strict/);

    const refused = await unstamped();
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/strict mode/);
    expect((await shop.api.request("GET", `/earthid/api/sessions/${sessionId}/decision`, { stamp: true })).status).toBe(200);
    expect(csp).toEqual([]);
  });
});
