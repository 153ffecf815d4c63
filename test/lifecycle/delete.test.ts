import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openInitData, openSessionKey } from "../../src/sessions/init-data.js";
import { expectFail, sign } from "../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { download, makeJpeg, upload } from "../media/images.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { createSession, deliveryBody, lifecycle, storedSession, submitAndDecide } from "./helpers.js";

const person = { firstName: "Kristjan", lastName: "Kask", idNumber: "37605030299", dateOfBirth: "1976-05-03" };

describe("DELETE /sessions/{id}: deletion erases at once and leaves a tombstone", () => {
  let server: TestServer;
  let receiver: Receiver;
  let shop: TestIntegration;
  let sandbox: TestIntegration;
  let rival: TestIntegration;
  const mediaDir = (id: string) => path.join(String(server.env.EARTHID_DATA_DIR), "media", id);

  beforeAll(async () => {
    receiver = await startReceiver();
    // The rate limit has its own test; here every status is deleted many times over.
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_DELETE_LIMIT_PER_HOUR: "0", EARTHID_DELETE_LIMIT_PER_DAY: "0" });
    const hooks = { decisionWebhookUrl: `${receiver.url}/decision`, eventWebhookUrl: `${receiver.url}/events` };
    shop = await server.integration({ name: "shop", ...hooks });
    sandbox = await server.integration({ name: "sandbox", isTest: true, ...hooks });
    rival = await server.integration({ name: "rival" });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  const decisionWebhooks = (id: string) => receiver.received.filter((r) => r.path === "/decision" && r.json?.verification?.id === id);

  /** Deletes `id` and checks everything erasure promises; returns the tombstone's stored state. */
  async function deleteAndCheckErased(owner: TestIntegration, id: string) {
    const before = await storedSession(server, id);
    expect(before.key).toBeDefined();
    const sealedInit = before.session!.init_data_sealed;
    if (sealedInit) expect(openInitData(openSessionKey(server.services.masterKey, before.key!), { id, init_data_sealed: sealedInit }).person?.firstName).toBeTruthy();

    const res = await lifecycle(owner).remove(id);
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe(JSON.stringify({ status: "success", verification: { id } }));
    expect(res.headers.get("x-hmac-signature")).toBe(sign(owner.sharedSecret, res.text));

    const after = await storedSession(server, id);
    // The data key is gone: what was sealed under it can never be opened again.
    expect(after.key).toBeUndefined();
    expect(after.session!.init_data_sealed).toBeNull();
    expect(await server.services.lifecycle.initData(server.services.store.db, { ...after.session!, init_data_sealed: sealedInit })).toEqual({});
    expect(existsSync(mediaDir(id))).toBe(false);
    // The tombstone and its audit trail stay.
    expect(after.session!.deleted_at).toEqual(expect.any(Number));
    expect(after.session!.erased_at).toEqual(after.session!.deleted_at);
    const deletedEvent = after.audit.find((e) => e.type === "session.deleted");
    expect(JSON.parse(deletedEvent!.data)).toEqual({ previousStatus: before.session!.status });
    expect(deletedEvent!.actor).toBe("integrator");
    const erasedEvent = after.audit.find((e) => e.type === "session.erased");
    expect(JSON.parse(erasedEvent!.data)).toEqual({ reason: "deleted", mediaFiles: before.media.length });
    // Every webhook body the session had before is erased.
    for (const delivery of after.deliveries.filter((d) => before.deliveries.some((b) => b.id === d.id))) expect(delivery.payload_sealed).toBeNull();
    // And the API no longer knows it.
    expectFail(await owner.api.getSession(id), 404, "1901", "Session not found");
    expectFail(await lifecycle(owner).decision(id), 404, "1901", "Session not found");
    expectFail(await lifecycle(owner).remove(id), 404, "1901", "Session not found");
    expect((await lifecycle(owner).list()).body.verifications.map((v: { id: string }) => v.id)).not.toContain(id);
    return { before, after };
  }

  describe("in each deletable status", () => {
    it("created: erases and sends the expired decision webhook (9104), without personal data", async () => {
      const id = await createSession(shop, { person, vendorData: "user-1" });
      const { after } = await deleteAndCheckErased(shop, id);
      expect(after.session!.status).toBe("expired");
      expect(after.decisions.map((d) => [d.status, d.code, d.attempt_id, d.decided_by])).toEqual([["expired", 9104, null, "integrator"]]);
      const row = after.deliveries.find((d) => d.code === 9104)!;
      expect(row).toMatchObject({ kind: "decision" });
      expect(deliveryBody(server, row).verification).toMatchObject({ id, status: "expired", code: 9104, vendorData: null });
      const [webhook] = await receiver.waitFor(() => decisionWebhooks(id).length === 1).then(() => decisionWebhooks(id));
      expect(webhook!.json.verification).toMatchObject({ id, status: "expired", code: 9104, attemptId: null, vendorData: null });
      expect(webhook!.json.verification.person).toMatchObject({ firstName: null, lastName: null, idNumber: null, dateOfBirth: null });
      expect(webhook!.body).not.toContain("Kristjan");
    });

    it("started with media: erases the files and sends abandoned (9104)", async () => {
      const id = await createSession(shop, { person });
      const uploaded = await upload(shop, id, await makeJpeg(), { context: "document-front" });
      expect(uploaded.status, uploaded.text).toBe(201);
      expect(await upload(shop, id, await makeJpeg(400, 300), { context: "face" }).then((r) => r.status)).toBe(201);
      expect(existsSync(mediaDir(id))).toBe(true);
      const { before, after } = await deleteAndCheckErased(shop, id);
      expect(before.media).toHaveLength(2);
      expect(after.session!.status).toBe("abandoned");
      expect(after.decisions.map((d) => [d.status, d.code, d.attempt_id])).toEqual([["abandoned", 9104, before.attempts[0]!.id]]);
      expect(after.attempts.map((a) => a.status)).toEqual(["abandoned"]);
      expectFail(await download(server.url, shop, uploaded.body.image.id).then(async (r) => ({ status: r.status, headers: r.headers, text: r.bytes.toString(), body: JSON.parse(r.bytes.toString()) })), 404, "1901", "not found");
      await receiver.waitFor(() => decisionWebhooks(id).some((w) => w.json.verification.status === "abandoned"));
    });

    it("resubmission_requested: sends abandoned, the resubmitted attempt keeps its own status", async () => {
      const id = await createSession(sandbox, { person: { firstName: "Resubmit" } });
      expect((await submitAndDecide(server, sandbox, id))).toBe("resubmission_requested");
      const { after } = await deleteAndCheckErased(sandbox, id);
      expect(after.session!.status).toBe("abandoned");
      expect(after.attempts.map((a) => a.status)).toEqual(["resubmission_requested"]);
      expect(after.decisions.map((d) => d.status)).toEqual(["resubmission_requested", "abandoned"]);
      await receiver.waitFor(() => decisionWebhooks(id).some((w) => w.json.verification.status === "abandoned"));
    });

    it("approved and declined: erases, keeps the status, sends no new webhook", async () => {
      for (const [firstName, status] of [["Approve", "approved"], ["Decline", "declined"]] as const) {
        const id = await createSession(sandbox, { person: { firstName } });
        await submitAndDecide(server, sandbox, id);
        await receiver.waitFor(() => decisionWebhooks(id).length === 1);
        const { after } = await deleteAndCheckErased(sandbox, id);
        expect(after.session!.status).toBe(status);
        expect(after.decisions).toHaveLength(1);
        expect(after.deliveries.filter((d) => d.kind === "decision")).toHaveLength(1);
      }
    });

    it("expired and abandoned: erases, sends nothing more", async () => {
      const expired = await createSession(shop, { person });
      const abandoned = await createSession(shop, { person });
      const { lifecycle: verbs } = server.services;
      await verbs.inLockedSession({ sessionId: abandoned, actor: { kind: "endUser", sessionId: abandoned } }, verbs.openAttempt);
      for (const id of [expired, abandoned]) await verbs.inLockedSession({ sessionId: id, actor: { kind: "sweeper" } }, verbs.endUnfinished);
      for (const [id, status] of [[expired, "expired"], [abandoned, "abandoned"]] as const) {
        const { after } = await deleteAndCheckErased(shop, id);
        expect(after.session!.status).toBe(status);
        expect(after.decisions).toHaveLength(1);
      }
    });
  });

  describe("where deletion is refused", () => {
    it("answers 1306 while submitted (being processed) and 1305 in review, and erases nothing", async () => {
      const inReview = await createSession(shop, { person });
      await submitAndDecide(server, shop, inReview);
      const processing = await createSession(shop, { person });
      await submitAndDecide(server, shop, processing);
      // A submission the engine has not decided yet.
      await server.services.sessions.update(server.services.store.db, processing, { status: "submitted" });
      expectFail(await lifecycle(shop).remove(processing), 400, "1306", "in progress");
      expectFail(await lifecycle(shop).remove(inReview), 400, "1305", "not in a completed status");
      for (const id of [processing, inReview]) {
        const stored = await storedSession(server, id);
        expect(stored.key).toBeDefined();
        expect(stored.session!.init_data_sealed).not.toBeNull();
        expect(stored.session!.deleted_at).toBeNull();
        expect(stored.audit.map((e) => e.type)).not.toContain("session.deleted");
      }
      // Once decided, review becomes deletable.
      await server.services.lifecycle.decide({ sessionId: inReview, verdict: "approved", actor: { kind: "reviewer", reviewerId: "test-reviewer" } });
      await deleteAndCheckErased(shop, inReview);
    });

    it("answers another integration's session exactly like a missing one, and leaves it intact", async () => {
      const id = await createSession(shop, { person });
      const foreign = await lifecycle(rival).remove(id);
      expectFail(foreign, 404, "1901", "Session not found");
      expect(foreign.body).toEqual((await lifecycle(rival).remove(crypto.randomUUID())).body);
      expect((await storedSession(server, id)).key).toBeDefined();
      expect((await shop.api.getSession(id)).status).toBe(200);
    });

    it("refuses wrong signatures (also one over the body or path) and accepts upper-case hex", async () => {
      const id = await createSession(shop, { person });
      expectFail(await lifecycle(shop).remove(id, { signOver: false }), 401, "1812", "X-HMAC-SIGNATURE");
      expectFail(await lifecycle(shop).remove(id, { signOver: "" }), 401, "1818", "session id");
      expectFail(await lifecycle(shop).remove(id, { signOver: `/earthid/api/sessions/${id}` }), 401, "1818", "session id");
      expectFail(await lifecycle(shop).remove(id, { signOver: false, headers: { "x-hmac-signature": sign(rival.sharedSecret, id) } }), 401, "1818", "session id");
      expect((await storedSession(server, id)).key).toBeDefined();
      const res = await lifecycle(shop, "/v1").remove(id, { signOver: false, headers: { "x-hmac-signature": sign(shop.sharedSecret, id).toUpperCase() } });
      expect(res.status, res.text).toBe(200);
    });

    it("answers a malformed or path-traversal id with a 4xx, erasing nothing", async () => {
      const id = await createSession(shop, { person });
      for (const bad of ["..%2F..%2Fmedia", "%2e%2e", `${id}%00`, "x".repeat(150)]) {
        const res = await shop.api.request("DELETE", `/earthid/api/sessions/${bad}`, { signOver: decodeURIComponent(bad) });
        expect(res.status, `${bad}: ${res.text}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${bad}: ${res.text}`).toBeLessThan(500);
      }
      expect((await storedSession(server, id)).key).toBeDefined();
      expect(await server.services.store.db.selectFrom("sessions").select("id").where("deleted_at", "is not", null).where("integration_id", "=", shop.id).execute()).not.toContainEqual({ id });
    });
  });
});
