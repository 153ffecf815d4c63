import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { SUBMIT, createSession, lifecycle } from "../lifecycle/helpers.js";
import { formClient, makeReviewer, sessionInReview } from "./support.js";

/** The overview: what was decided, how fast, how much by itself, and which webhooks fail, as charts with their numbers. */
describe(`back-office overview (${storeKind})`, () => {
  let server: TestServer;
  let admin: ReturnType<typeof formClient>;

  beforeAll(async () => {
    server = await startTestServer({ EARTHID_WEBHOOK_POLL_MS: "50", EARTHID_WEBHOOK_RETRY_DELAYS: "3600" });
    const { secret } = await makeReviewer(server, "boss@example.com", "admin", { totp: true });
    admin = formClient(server.url);
    await admin.logIn("boss@example.com", secret);
  });
  afterAll(() => server.close());

  it("counts today's decisions by outcome, the automatic share and the failing webhooks", async () => {
    // Two decided by the test-mode rule, one by a reviewer; the live integration's webhook goes to a refused address.
    const test = await server.integration({ name: "sandbox", isTest: true });
    for (const firstName of ["Approve", "Decline"]) {
      const id = await createSession(test, { person: { firstName, lastName: "Tamm" } });
      expect((await lifecycle(test).submit(id, SUBMIT)).status).toBe(200);
      await server.services.jobs.settled(id);
    }
    const live = await server.integration({ name: "live", decisionWebhookUrl: "http://127.0.0.1:9/hooks" });
    const waiting = await sessionInReview(server, live);
    await server.services.lifecycle.decide({ sessionId: waiting, verdict: "approved", reasonCode: null, reason: null, actor: { kind: "reviewer", reviewerId: "r-1" } });
    await vi.waitFor(async () => {
      const deliveries = await server.services.webhooks.listDeliveries({ sessionId: waiting });
      if (deliveries.filter((d) => d.lastError !== null).length < 2) throw new Error("not attempted yet");
    }, { timeout: 15_000, interval: 50 });

    const page = await admin.get("/admin/overview");
    expect(page.status).toBe(200);
    const shown = (testId: string) => new RegExp(`data-testid="${testId}">([^<]*)<`).exec(page.text)?.[1];
    expect(shown("decided")).toBe("3");
    expect(shown("automatic")).toBe("67 %");
    expect(shown("median")).toMatch(/^\d+ s$/);
    expect(shown("webhook-failures")).toBe("2");
    // The chart is an image with a title and a description, and its numbers are in a table.
    expect(page.text).toMatch(/<svg [^>]*role="img" aria-labelledby="outcomes-chart-title outcomes-chart-desc"/);
    expect(page.text).toContain("Over 14 days: 2 approved, 1 declined, 0 resubmission, 0 expired, 0 abandoned.");
    const today = new Date().toISOString().slice(0, 10);
    expect(page.text).toContain(`<tr><th scope="row">${today}</th><td>2</td><td>1</td><td>0</td><td>0</td><td>0</td></tr>`);
    expect(page.text).toContain(`<tr><th scope="row">${today}</th><td>0</td><td>2</td><td>0</td></tr>`);
  });

  it("is for administrators only", async () => {
    await makeReviewer(server, "desk@example.com", "reviewer");
    const reviewer = formClient(server.url);
    await reviewer.logIn("desk@example.com");
    expect((await reviewer.get("/admin/overview")).status).toBe(403);
  });
});
