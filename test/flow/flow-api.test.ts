import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectFail } from "../support/client.js";
import { type TestIntegration, type TestServer, migratedServices, startTestServer, storeKind } from "../support/server.js";
import { buildApp } from "../../src/app/http.js";
import { loadConfig } from "../../src/config.js";
import { requestWindows } from "../../src/flow/rate-limit.js";
import { assessed, lifecycle, storedSession, submitAndDecide } from "../lifecycle/helpers.js";
import { makeJpeg, smallHeic } from "../media/images.js";

/** The end user's API under /flow/api: scoped by the session token, the same services and error bodies as the integrator API. */
describe(`the flow API (${storeKind})`, () => {
  let server: TestServer;
  let shop: TestIntegration;
  let sandbox: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer();
    // Event webhooks to a loopback address the guard refuses: the rows are written, nothing is sent.
    shop = await server.integration({ name: "Demo Shop", eventWebhookUrl: "http://127.0.0.1:9/events" });
    sandbox = await server.integration({ name: "Sandbox", isTest: true });
  });
  afterAll(() => server.close());

  async function session(integration = shop, verification: Record<string, unknown> = {}) {
    const created = await integration.api.createSession(verification);
    return created.body.verification as { id: string; sessionToken: string };
  }
  async function call(token: string | null, method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.url}/flow/api${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: json };
  }
  const image = async (context: string, bytes?: Buffer) => ({ image: { context, content: `data:image/jpeg;base64,${(bytes ?? (await makeJpeg())).toString("base64")}` } });

  it("refuses a missing, tampered or expired token with a Veriff-style 401", async () => {
    const { id, sessionToken } = await session();
    expectFail(await call(null, "POST", "/start"), 401, "1920", "session token");
    expectFail(await call(`${sessionToken.slice(0, -2)}xx`, "POST", "/start"), 401, "1920", "session token");
    const expired = server.services.tokens.sign({ sessionId: id, integrationId: shop.id, iat: Math.floor(Date.now() / 1000) - 8 * 86_400 });
    expectFail(await call(expired, "POST", "/start"), 401, "1921", "expired");
    expect((await storedSession(server, id)).session?.status).toBe("created");
  });

  it("starts the session once (7001) however often the page is opened", async () => {
    const { id, sessionToken } = await session();
    const first = await call(sessionToken, "POST", "/start");
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({ status: "success", session: { status: "started", captured: [] } });
    expect((await call(sessionToken, "POST", "/start")).status).toBe(200);
    const stored = await storedSession(server, id);
    expect(stored.attempts).toHaveLength(1);
    expect(stored.deliveries.map((d) => d.code)).toEqual([7001]);
    expect(stored.audit.filter((e) => e.type === "session.started").map((e) => e.actor)).toEqual(["end-user"]);
  });

  it("takes images into the current attempt through the media service, HEIC as it is, and refuses what is not an image", async () => {
    const { id, sessionToken } = await session();
    await call(sessionToken, "POST", "/start");
    const front = await call(sessionToken, "POST", "/media", await image("document-front"));
    expect(front.status, front.text).toBe(201);
    expect(front.body.image.context).toBe("document-front");
    const heic = await call(sessionToken, "POST", "/media", { image: { context: "face", content: smallHeic().toString("base64") } });
    expect(heic.status, heic.text).toBe(201);
    expectFail(await call(sessionToken, "POST", "/media", { image: { context: "face", content: Buffer.from("not an image").toString("base64") } }), 400, "1400", "image.content");
    expectFail(await call(sessionToken, "POST", "/media", await image("face-reference")), 400, "1104", "image.context");
    expectFail(await call(sessionToken, "POST", "/media", "{broken"), 400, "1906", "JSON");
    const progress = await call(sessionToken, "GET", "/progress");
    expect(progress.body.session.captured.sort()).toEqual(["document-front", "face"]);
    const stored = await storedSession(server, id);
    expect(stored.media.map((m) => m.mimetype).sort()).toEqual(["image/heic", "image/jpeg"]);
  });

  it("replaces a capture retaken in the flow: the integrator's GET media shows only the new one, the old one is gone", async () => {
    const { id, sessionToken } = await session();
    await call(sessionToken, "POST", "/start");
    const first = await call(sessionToken, "POST", "/media", await image("document-front", await makeJpeg(640, 400)));
    const face = await call(sessionToken, "POST", "/media", await image("face"));
    const retake = await call(sessionToken, "POST", "/media", await image("document-front", await makeJpeg(800, 500)));
    expect(retake.status, retake.text).toBe(201);
    const listed = await shop.api.request("GET", `/earthid/api/sessions/${id}/media`, { signOver: id });
    expect(listed.body.images.map((m: { id: string; context: string }) => [m.context, m.id]).sort()).toEqual(
      [["document-front", retake.body.image.id], ["face", face.body.image.id]].sort(),
    );
    const old = first.body.image.id as string;
    expectFail(await shop.api.request("GET", `/earthid/api/media/${old}`, { signOver: old }), 404, "1901", "Media");
    const stored = await storedSession(server, id);
    expect(stored.media.map((m) => [m.context, m.width])).toEqual(expect.arrayContaining([["document-front", 800]]));
    expect(stored.media).toHaveLength(2);
    expect(stored.audit.filter((e) => e.type === "media.uploaded").map((e) => JSON.parse(e.data).replaced ?? [])).toEqual([[], [], [old]]);
    // The integrator's own API keeps every upload of a context, as Veriff's does.
    const viaApi = { image: { context: "face", content: (await makeJpeg()).toString("base64") } };
    expect((await shop.api.request("POST", `/earthid/api/sessions/${id}/media`, { body: viaApi })).status).toBe(201);
    expect((await storedSession(server, id)).media.filter((m) => m.context === "face")).toHaveLength(2);
  });

  it("submits only a complete attempt, then exactly as PATCH does (7002), and takes nothing afterwards", async () => {
    const { id, sessionToken } = await session();
    // Not even a created session submits empty-handed through the flow.
    expectFail(await call(sessionToken, "POST", "/submit"), 409, "1922", "document-front and face");
    await call(sessionToken, "POST", "/start");
    await call(sessionToken, "POST", "/media", await image("document-front"));
    expectFail(await call(sessionToken, "POST", "/submit"), 409, "1922", "face");
    await call(sessionToken, "POST", "/media", await image("face"));
    const submitted = await call(sessionToken, "POST", "/submit");
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.session.status).toBe("submitted");
    await assessed(server, id);
    const stored = await storedSession(server, id);
    expect(stored.audit.map((e) => e.type)).toEqual(["session.started", "media.uploaded", "media.uploaded", "session.submitted", "session.decided"]);
    expect(stored.audit.find((e) => e.type === "session.submitted")?.actor).toBe("end-user");
    expect(stored.deliveries.map((d) => d.code)).toEqual([7001, 7002]);
    expectFail(await call(sessionToken, "POST", "/media", await image("face")), 409, "1905", "submitted");
    expectFail(await call(sessionToken, "POST", "/submit"), 400, "1304", "submitted");
  });

  it("opens a new attempt after a resubmission request, with nothing captured yet", async () => {
    const { id, sessionToken } = await session(sandbox, { person: { firstName: "Resubmit" } });
    expect(await submitAndDecide(server, sandbox, id)).toBe("resubmission_requested");
    const started = await call(sessionToken, "POST", "/start");
    expect(started.body.session).toEqual({ status: "started", captured: [] });
    expect((await storedSession(server, id)).attempts.map((a) => a.status)).toEqual(["resubmission_requested", "started"]);
  });

  it("limits one token to 120 requests a minute (429, 1904), counted across instances on the same store", async () => {
    const { sessionToken } = await session();
    const config = loadConfig({ ...server.env, PORT: "0" });
    const second = await buildApp(config, migratedServices(config));
    const secondUrl = await second.app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const progress = (base: string) => fetch(`${base}/flow/api/progress`, { headers: { authorization: `Bearer ${sessionToken}` } }).then((res) => res.status);
      const answers = [];
      // Alternating between the two instances, as a load balancer would.
      for (let i = 0; i < 120; i++) answers.push(await progress(i % 2 === 0 ? server.url : secondUrl));
      expect(answers.every((status) => status === 200)).toBe(true);
      expectFail(await call(sessionToken, "GET", "/progress"), 429, "1904", "120 requests");
      expect(await progress(secondUrl)).toBe(429);
      // Another token is counted apart.
      expect((await call((await session()).sessionToken, "GET", "/progress")).status).toBe(200);
    } finally {
      await second.app.close();
      await second.services.close();
    }
  });

  it("opens a new window once the last one is a minute old, and forgets windows long over", async () => {
    let clock = 1_000_000_000_000;
    const windows = requestWindows(server.services.store.db, { limit: 3, windowMs: 60_000, now: () => clock });
    const take = (id: string) => windows.take(id).then(() => "ok", (error: { code?: string }) => error.code);
    expect([await take("a"), await take("a"), await take("a"), await take("a")]).toEqual(["ok", "ok", "ok", "1904"]);
    clock += 59_999;
    expect(await take("a")).toBe("1904");
    clock += 1;
    expect([await take("a"), await take("a"), await take("a"), await take("a")]).toEqual(["ok", "ok", "ok", "1904"]);
    clock += 11 * 60_000;
    await take("b");
    const left = await server.services.store.db.selectFrom("flow_request_windows").select("session_id").where("session_id", "in", ["a", "b"]).execute();
    expect(left.map((row) => row.session_id)).toEqual(["b"]);
  });
});
