import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaRepo } from "../../src/media/repo.js";
import { mediaService } from "../../src/media/service.js";
import { mediaFiles } from "../../src/media/storage.js";
import { type MediaWork, mediaWork } from "../../src/media/work.js";
import { openSessionKey } from "../../src/sessions/init-data.js";
import { sessionRepo } from "../../src/sessions/repo.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { download, makeJpeg, makePng, newSession, upload } from "./images.js";

describe("media: concurrent uploads and erasure", () => {
  let server: TestServer;
  let shop: TestIntegration;
  // For the services built here beside the server's own.
  let work: MediaWork;
  beforeAll(async () => {
    work = mediaWork();
    server = await startTestServer();
    // Nothing listens there: the deliveries stay in the outbox, where the test counts them.
    shop = await server.integration({ name: "shop", eventWebhookUrl: "http://127.0.0.1:9/events" });
  });
  afterAll(async () => {
    await server.close();
    await work.close();
  });

  it("8 uploads at once to a fresh session: one attempt, one 7001, every image listed", async () => {
    const sessionId = await newSession(shop);
    const images = await Promise.all(Array.from({ length: 8 }, (_, i) => makeJpeg(40 + i, 30)));
    const results = await Promise.all(images.map((bytes, i) => upload(shop, sessionId, bytes, { context: i % 2 ? "face" : "document-front" })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));

    const db = server.services.store.db;
    const attempts = await db.selectFrom("attempts").selectAll().where("session_id", "=", sessionId).execute();
    expect(attempts).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.image.attemptId))).toEqual(new Set([attempts[0]!.id]));

    const started = await db.selectFrom("webhook_deliveries").selectAll().where("session_id", "=", sessionId).where("code", "=", 7001).execute();
    expect(started).toHaveLength(1);
    expect(started[0]!.kind).toBe("event");
    const audit = await server.services.audit.listForSession(sessionId);
    expect(audit.filter((e) => e.type === "session.started")).toHaveLength(1);
    expect(audit.filter((e) => e.type === "media.uploaded")).toHaveLength(8);

    const listed = await shop.api.request("GET", `/earthid/api/sessions/${sessionId}/media`, { signOver: sessionId });
    expect(new Set(listed.body.images.map((i: { id: string }) => i.id))).toEqual(new Set(results.map((r) => r.body.image.id)));
    for (const [i, res] of results.entries()) {
      const got = await download(server.url, shop, res.body.image.id);
      expect(got.bytes.equals(images[i]!)).toBe(true);
    }
  });

  it("uploads racing a submit either land before it or get 409, never after it", async () => {
    const sessionId = await newSession(shop);
    const jpeg = await makeJpeg();
    await upload(shop, sessionId, jpeg);
    const racing = Array.from({ length: 6 }, () => upload(shop, sessionId, jpeg));
    const submit = server.services.lifecycle.submit({ sessionId, actor: { kind: "integrator", integrationId: shop.id } });
    const results = await Promise.all(racing);
    const submitted = await submit;
    for (const res of results) expect([201, 409]).toContain(res.status);
    const rows = await server.services.store.db.selectFrom("media").select(["id", "created_at"]).where("session_id", "=", sessionId).execute();
    expect(rows).toHaveLength(1 + results.filter((r) => r.status === 201).length);
    for (const row of rows) expect(Number(row.created_at)).toBeLessThanOrEqual(Number(submitted.submitted_at));
    expect(readdirSync(path.join(server.env.EARTHID_DATA_DIR!, "media", sessionId))).toHaveLength(rows.length);
  });

  it("a submit that lands between the checks and the commit: 409, and the file already written is removed", async () => {
    const sessionId = await newSession(shop);
    const { services } = server;
    // The real service, with the lifecycle's lock preceded by a submit: the race, made certain.
    const media = mediaService({
      repo: mediaRepo(services.store.db),
      files: mediaFiles(services.config.dataDir, work),
      sessions: services.sessions,
      dataKey: services.sessions.dataKey,
      lifecycle: {
        openAttempt: services.lifecycle.openAttempt,
        attemptSession: services.lifecycle.attemptSession,
        inLockedSession: async (opts, fn) => {
          await services.lifecycle.submit({ sessionId, actor: { kind: "integrator", integrationId: shop.id } });
          return services.lifecycle.inLockedSession(opts, fn);
        },
      },
      audit: services.audit,
      publicUrl: services.config.publicUrl,
    });
    const bytes = await makeJpeg();
    const image = { context: "face", content: { bytes, sha256: createHash("sha256").update(bytes).digest("hex") } };
    await expect(media.upload({ actor: { kind: "integrator", integrationId: shop.id }, apiPrefix: "/v1", sessionId, image })).rejects.toMatchObject({ statusCode: 409, code: "1905" });
    expect(readdirSync(path.join(services.config.dataDir, "media", sessionId))).toEqual([]);
    expect(await services.store.db.selectFrom("media").select("id").where("session_id", "=", sessionId).execute()).toEqual([]);
  });

  it("a resubmission opens a new attempt: the session list shows only it, the old attempt keeps its own", async () => {
    const sessionId = await newSession(shop);
    const first = await upload(shop, sessionId, await makeJpeg());
    await server.services.lifecycle.submit({ sessionId, actor: { kind: "integrator", integrationId: shop.id } });
    await server.services.lifecycle.decide({ sessionId, verdict: "resubmission_requested", reasonCode: 204, actor: { kind: "operator" } });
    const second = await upload(shop, sessionId, await makePng());
    expect(second.status).toBe(201);
    expect(second.body.image.attemptId).not.toBe(first.body.image.attemptId);
    const bySession = await shop.api.request("GET", `/earthid/api/sessions/${sessionId}/media`, { signOver: sessionId });
    expect(bySession.body.images.map((i: { id: string }) => i.id)).toEqual([second.body.image.id]);
    const old = first.body.image.attemptId;
    const byOldAttempt = await shop.api.request("GET", `/earthid/api/attempts/${old}/media`, { signOver: old });
    expect(byOldAttempt.body.images.map((i: { id: string }) => i.id)).toEqual([first.body.image.id]);
  });

  it("eraseSessionMedia removes the session's files and nobody else's, and says how many", async () => {
    const doomed = await newSession(shop);
    const kept = await newSession(shop);
    for (let i = 0; i < 3; i++) expect((await upload(shop, doomed, await makeJpeg(20 + i, 20))).status).toBe(201);
    const keptMedia = await upload(shop, kept, await makeJpeg());

    const media = server.services.media;
    expect(await media.eraseSessionMedia(doomed)).toBe(3);
    expect(existsSync(path.join(server.env.EARTHID_DATA_DIR!, "media", doomed))).toBe(false);
    expect(await media.eraseSessionMedia(doomed)).toBe(0);
    expect(await media.eraseSessionMedia("../../etc")).toBe(0);
    expect(await media.eraseSessionMedia("not-an-id")).toBe(0);

    // The rows stay as metadata; the bytes are gone.
    const rows = await server.services.store.db.selectFrom("media").select("id").where("session_id", "=", doomed).execute();
    expect(rows).toHaveLength(3);
    expect((await download(server.url, shop, rows[0]!.id)).status).toBe(404);
    expect((await download(server.url, shop, keptMedia.body.image.id)).status).toBe(200);
  });

  it("once the session is marked erased its media are neither listed nor served", async () => {
    const sessionId = await newSession(shop);
    const res = await upload(shop, sessionId, await makeJpeg());
    await server.services.store.db.updateTable("sessions").set({ erased_at: Date.now() }).where("id", "=", sessionId).execute();
    const listed = await shop.api.request("GET", `/earthid/api/sessions/${sessionId}/media`, { signOver: sessionId });
    expect(listed.body.images).toEqual([]);
    const attemptId = res.body.image.attemptId;
    expect((await shop.api.request("GET", `/earthid/api/attempts/${attemptId}/media`, { signOver: attemptId })).body.images).toEqual([]);
    expect((await download(server.url, shop, res.body.image.id)).status).toBe(404);
  });
});
