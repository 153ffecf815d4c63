import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { SUBMIT, createSession, lifecycle } from "../lifecycle/helpers.js";
import { formClient, makeReviewer, sessionInReview } from "./support.js";
import { newRowId } from "../../src/store/ids.js";
import type { DecisionStatus } from "../../src/store/schema.js";

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

/** The figures against decisions written with known times, outcomes and deciders: every number on the page is checked. */
describe(`back-office overview, known decisions (${storeKind})`, () => {
  const DAY = 86_400_000;
  let server: TestServer;
  let admin: ReturnType<typeof formClient>;

  beforeAll(async () => {
    server = await startTestServer();
    const { secret } = await makeReviewer(server, "boss@example.com", "admin", { totp: true });
    admin = formClient(server.url);
    await admin.logIn("boss@example.com", secret);
  });
  afterAll(() => server.close());

  /** A session with one attempt submitted `delayMs` before its decision (no attempt when null), as the lifecycle writes them. */
  async function decided(integrationId: string, decidedAt: number, status: DecisionStatus, decidedBy: string, delayMs: number | null) {
    const db = server.services.store.db;
    const sessionId = newRowId(decidedAt);
    const attemptId = delayMs === null ? null : newRowId(decidedAt);
    const submittedAt = delayMs === null ? null : decidedAt - delayMs;
    await db.insertInto("sessions").values({
      id: sessionId, integration_id: integrationId, status: status, vendor_data: null, vendor_data_hash: null, vendor_data_sealed: null, end_user_id: null, callback_url: null, lang: null,
      init_data_sealed: null, token_iat: decidedAt - DAY, created_at: decidedAt - DAY, updated_at: decidedAt, current_attempt_id: attemptId, started_at: submittedAt, submitted_at: submittedAt,
      decided_at: decidedAt, deleted_at: null, erased_at: null,
    }).execute();
    if (attemptId !== null) {
      await db.insertInto("attempts").values({ id: attemptId, session_id: sessionId, number: 1, status: status, created_at: submittedAt!, submitted_at: submittedAt, decided_at: decidedAt }).execute();
    }
    await db.insertInto("decisions").values({ id: newRowId(decidedAt), session_id: sessionId, attempt_id: attemptId, status, code: 9001, reason: null, reason_code: null, decided_by: decidedBy, decided_at: decidedAt }).execute();
  }

  it("counts by day and outcome, takes the median and the automatic share in the store, and leaves out review and older decisions", async () => {
    const shop = await server.integration({ name: "known" });
    const today = new Date().toISOString().slice(0, 10);
    const startOfToday = Date.parse(`${today}T00:00:00Z`);
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    await decided(shop.id, startOfToday + 1, "approved", "engine", 10_000);
    await decided(shop.id, startOfToday + 2, "declined", "reviewer", 600_000);
    await decided(shop.id, startOfToday + 3, "review", "engine", 5_000); // not final: left out
    await decided(shop.id, startOfToday - DAY + 1, "approved", "test-mode", 20_000);
    await decided(shop.id, startOfToday - 3 * DAY + 1, "resubmission_requested", "engine", 40_000);
    await decided(shop.id, startOfToday - 3 * DAY + 2, "expired", "sweeper", null); // no attempt: counted, no delay
    await decided(shop.id, startOfToday - 20 * DAY, "approved", "engine", 1_000); // before the 14 days

    const page = await admin.get("/admin/overview");
    const shown = (testId: string) => new RegExp(`data-testid="${testId}">([^<]*)<`).exec(page.text)?.[1];
    expect(shown("decided")).toBe("5");
    // Delays 10 s, 20 s, 40 s, 600 s: the mean of the middle two.
    expect(shown("median")).toBe("30 s");
    // engine, test-mode, engine of 5.
    expect(shown("automatic")).toBe("60 %");
    expect(page.text).toContain("Over 14 days: 2 approved, 1 declined, 1 resubmission, 1 expired, 0 abandoned.");
    expect(page.text).toContain(`<tr><th scope="row">${today}</th><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td></tr>`);
    expect(page.text).toContain(`<tr><th scope="row">${dayOf(startOfToday - DAY)}</th><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>`);
    expect(page.text).toContain(`<tr><th scope="row">${dayOf(startOfToday - 3 * DAY)}</th><td>0</td><td>0</td><td>1</td><td>1</td><td>0</td></tr>`);
    // An odd count: the middle one (10 s, 20 s, 600 s since yesterday).
    expect(await server.services.lifecycle.medianDecisionMs(startOfToday - DAY)).toBe(20_000);
    expect(await server.services.lifecycle.medianDecisionMs(startOfToday + DAY)).toBeNull();
  });
});
