import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionRetention } from "../../src/verification/retention.js";
import { builtCli, runCli } from "../support/built-cli.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { makeJpeg, upload } from "../media/images.js";
import { createSession, lifecycle, storedSession, waitUntil, submitAndDecide } from "./helpers.js";

const DAY = 86_400_000;

describe("retention: media and personal data erased N days after a final decision", () => {
  let server: TestServer;
  let kept: TestIntegration;
  let month: TestIntegration;
  const mediaDir = (id: string) => path.join(String(server.env.EARTHID_DATA_DIR), "media", id);
  /** The sweeper as the server builds it, but living `days` from now. */
  const retentionAt = (days: number) => {
    const { services } = server;
    return sessionRetention({
      integrations: services.integrations,
      lifecycle: services.lifecycle,
      sessions: services.sessions,
      erasure: services.erasure,
      doneJobs: { purgeDone: services.jobs.purgeDone, retentionDays: services.config.jobRetentionDays },
      auditEvents: { prune: services.auditTrail.prune, retentionDays: services.config.auditRetentionDays },
      now: () => Date.now() + days * DAY,
    });
  };
  const sweepAt = (days: number) => retentionAt(days).sweep();
  const jobsOf = (id: string) => server.services.store.db.selectFrom("jobs").select(["id", "status"]).where("subject", "=", id).execute();

  async function approvedWithMedia(owner: TestIntegration): Promise<string> {
    const id = await createSession(owner, { person: { firstName: "Approve", lastName: "Saar", idNumber: "49403136515" }, vendorData: "kept-ref" });
    expect((await upload(owner, id, await makeJpeg())).status).toBe(201);
    expect((await submitAndDecide(server, owner, id))).toBe("approved");
    return id;
  }

  beforeAll(async () => {
    // The CLI is compiled once, before the clock of any test starts.
    await builtCli();
    // A sweep interval far away: these tests run the sweeper themselves, at chosen times.
    server = await startTestServer({ EARTHID_SWEEP_INTERVAL_SECONDS: "86400" });
    kept = await server.integration({ name: "kept", isTest: true });
    month = await server.integration({ name: "month", isTest: true, retentionDays: 30 });
  });
  afterAll(() => server.close());

  it("erases a final session's data once its period has passed, and nothing before", async () => {
    const id = await approvedWithMedia(month);
    expect(await sweepAt(29)).toBe(0);
    expect((await storedSession(server, id)).key).toBeDefined();
    expect((await jobsOf(id)).map((job) => job.status)).toEqual(["done"]);

    expect(await sweepAt(31)).toBeGreaterThanOrEqual(1);
    const stored = await storedSession(server, id);
    expect(stored.key).toBeUndefined();
    expect(stored.session!.init_data_sealed).toBeNull();
    expect(stored.session!.erased_at).toEqual(expect.any(Number));
    expect(stored.session!.deleted_at).toBeNull();
    expect(existsSync(mediaDir(id))).toBe(false);
    // The session's jobs went with its data.
    expect(await jobsOf(id)).toEqual([]);
    const erased = stored.audit.filter((e) => e.type === "session.erased");
    expect(erased.map((e) => [e.actor, JSON.parse(e.data)])).toEqual([["sweeper", { reason: "retention", mediaFiles: 1 }]]);
    expect(stored.audit.map((e) => e.type)).not.toContain("session.deleted");

    // Still there for the integrator, without the person.
    const read = await month.api.getSession(id);
    expect(read.status).toBe(200);
    expect(read.body.verification).toMatchObject({ status: "approved", vendorData: null });
    const decision = (await lifecycle(month).decision(id)).body.verification;
    expect(decision).toMatchObject({ status: "approved", code: 9001 });
    expect(decision.person).toMatchObject({ firstName: null, lastName: null, idNumber: null });
    expect((await lifecycle(month).person(id)).body.person).toMatchObject({ firstName: null, idCode: null });
    const media = await month.api.request("GET", `/earthid/api/sessions/${id}/media`, { signOver: id });
    expect(media.body.images).toEqual([]);

    // Erased once: the next sweep finds nothing more to do for it.
    await sweepAt(31);
    expect((await storedSession(server, id)).audit.filter((e) => e.type === "session.erased")).toHaveLength(1);
  });

  it("keeps unfinished sessions, sessions in review, and integrations without a period", async () => {
    const inReview = await createSession(month, { person: { firstName: "Someone" } });
    await submitAndDecide(server, month, inReview);
    const unfinished = await createSession(month, { person: { firstName: "Someone" } });
    const elsewhere = await approvedWithMedia(kept);
    await sweepAt(3650);
    for (const id of [inReview, unfinished, elsewhere]) {
      const stored = await storedSession(server, id);
      expect(stored.key, id).toBeDefined();
      expect(stored.session!.erased_at).toBeNull();
    }
    expect(existsSync(mediaDir(elsewhere))).toBe(true);
  });

  it("counts from the final decision, not from creation", async () => {
    const id = await createSession(month, { person: { firstName: "Someone" } });
    await submitAndDecide(server, month, id);
    // Decided by a reviewer 20 days later: 31 days after creation is 11 days after the decision.
    await server.services.sessions.update(server.services.store.db, id, { created_at: Date.now() - 20 * DAY });
    await server.services.lifecycle.decide({ sessionId: id, verdict: "declined", actor: { kind: "reviewer", reviewerId: "test-reviewer" } });
    await sweepAt(11);
    expect((await storedSession(server, id)).key).toBeDefined();
    await sweepAt(31);
    expect((await storedSession(server, id)).key).toBeUndefined();
  });

  it("removes done jobs EARTHID_JOB_RETENTION_DAYS (7) after they finished, and keeps failed ones", async () => {
    const id = await createSession(kept, { person: { firstName: "Approve" } });
    expect(await submitAndDecide(server, kept, id)).toBe("approved");
    const db = server.services.store.db;
    const failed = await db.transaction().execute((trx) => server.services.jobs.enqueue(trx, { kind: "test.kept", subject: null, payload: {} }));
    await db.updateTable("jobs").set({ status: "failed", finished_at: Date.now() }).where("id", "=", failed).execute();
    expect(server.services.config.jobRetentionDays).toBe(7);
    await retentionAt(6).purgeDoneJobs();
    expect((await jobsOf(id)).map((job) => job.status)).toEqual(["done"]);
    expect(await retentionAt(8).purgeDoneJobs()).toBeGreaterThanOrEqual(1);
    expect(await jobsOf(id)).toEqual([]);
    expect(await server.services.jobStore.find(failed)).toMatchObject({ status: "failed" });
    // The session itself is untouched: only the queue's bookkeeping went.
    expect((await kept.api.getSession(id)).body.verification.status).toBe("approved");
  });

  it("is set and cleared from the CLI: create --retention-days, set-retention DAYS|none", async () => {
    const created = await runCli(["integrations", "create", "--name", "cli-retention", "--retention-days", "14", "--json"], server.env);
    expect(created.code, created.stderr).toBe(0);
    const integration = JSON.parse(created.stdout);
    expect(integration.retentionDays).toBe(14);

    const set = await runCli(["integrations", "set-retention", integration.id, "90"], server.env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("90 days after a final decision");
    expect((await server.services.integrations.getIntegration(integration.id))?.retentionDays).toBe(90);

    const cleared = await runCli(["integrations", "set-retention", integration.id, "none", "--json"], server.env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(JSON.parse(cleared.stdout).retentionDays).toBeNull();
    expect((await server.services.integrations.getIntegration(integration.id))?.retentionDays).toBeNull();

    for (const bad of ["0", "3d", "1.5", "forever", "36501"]) {
      const refused = await runCli(["integrations", "set-retention", integration.id, bad], server.env);
      expect(refused.code, `${bad}: ${refused.stdout}`).toBe(2);
      expect(refused.stderr).toMatch(/retention/);
    }
    const missing = await runCli(["integrations", "set-retention", crypto.randomUUID(), "7"], server.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no integration");
  }, 180_000);
});

describe("retention: the background sweeper of a running server", () => {
  let server: TestServer;
  let shop: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer({ EARTHID_SWEEP_INTERVAL_SECONDS: "1" });
    shop = await server.integration({ name: "shop", isTest: true, retentionDays: 1 });
  });
  afterAll(() => server.close());

  it("erases a session decided longer ago than the period on its next tick", async () => {
    const old = await createSession(shop, { person: { firstName: "Approve" } });
    await submitAndDecide(server, shop, old);
    const recent = await createSession(shop, { person: { firstName: "Approve" } });
    await submitAndDecide(server, shop, recent);
    // Its decision two days in the past, as if the server had been running since.
    await server.services.store.db.updateTable("sessions").set({ decided_at: Date.now() - 2 * DAY }).where("id", "=", old).execute();
    await waitUntil("the retention sweeper", async () => (await storedSession(server, old)).session!.erased_at !== null);
    expect((await storedSession(server, old)).key).toBeUndefined();
    expect((await storedSession(server, recent)).key).toBeDefined();
  });
});
