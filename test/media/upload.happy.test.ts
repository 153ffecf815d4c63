import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UUID_V7 as UUID, sign } from "../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { dataUri, download, makeAvif, makeJpeg, makePng, makeWebp, newSession, noiseJpeg, obamaJpeg, passportJpeg, smallHeic, upload } from "./images.js";

describe("POST /sessions/{id}/media: images in, the same bytes out", () => {
  let server: TestServer;
  let shop: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: "https://verify.example.org" });
    shop = await server.integration({ name: "shop" });
  });
  afterAll(() => server.close());

  it("answers 201 with Veriff's media metadata and starts the session", async () => {
    const sessionId = await newSession(shop);
    const jpeg = obamaJpeg();
    const res = await upload(shop, sessionId, jpeg, { context: "face" });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(["status", "image"]);
    expect(res.body.status).toBe("success");
    const image = res.body.image;
    expect(image).toEqual({
      id: expect.stringMatching(UUID),
      name: "face",
      context: "face",
      timestamp: null,
      size: jpeg.length,
      mimetype: "image/jpeg",
      url: `https://verify.example.org/earthid/api/media/${image.id}`,
      sessionId,
      attemptId: expect.stringMatching(UUID),
    });
    expect(res.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
    expect((await shop.api.getSession(sessionId)).body.verification.status).toBe("started");
  });

  it("stores the real samples byte for byte, with size, dimensions and sha256 recorded", async () => {
    const sessionId = await newSession(shop);
    for (const [context, bytes] of [["face", obamaJpeg()], ["document-front", passportJpeg()]] as const) {
      const res = await upload(shop, sessionId, bytes, { context });
      expect(res.status).toBe(201);
      const got = await download(server.url, shop, res.body.image.id);
      expect(got.status).toBe(200);
      expect(got.headers.get("content-type")).toBe("image/jpeg");
      expect(got.bytes.equals(bytes)).toBe(true);
      expect(got.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, got.bytes));
      const row = await server.services.store.db.selectFrom("media").selectAll().where("id", "=", res.body.image.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ session_id: sessionId, context, mimetype: "image/jpeg", size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
      expect(row.width).toBeGreaterThan(100);
      expect(row.height).toBeGreaterThan(100);
    }
    const face = await server.services.store.db.selectFrom("media").select(["width", "height"]).where("session_id", "=", sessionId).where("context", "=", "face").executeTakeFirstOrThrow();
    expect(face).toEqual({ width: 910, height: 1137 });
  });

  it("a photo of megabytes and an image of a few hundred bytes both come back byte for byte, signed, with their sha256", async () => {
    // The media worker threads take large buffers over and copy small ones (slices of Node's pool): both ways, there and back.
    const sessionId = await newSession(shop);
    const large = await noiseJpeg(2000, 1500);
    const tiny = await makeJpeg(8, 6);
    expect(large.length).toBeGreaterThan(2_000_000);
    expect(tiny.length).toBeLessThan(4096);
    for (const bytes of [large, tiny]) {
      const res = await upload(shop, sessionId, bytes);
      expect(res.status).toBe(201);
      expect(res.body.image.size).toBe(bytes.length);
      const got = await download(server.url, shop, res.body.image.id);
      expect(got.bytes.equals(bytes)).toBe(true);
      expect(got.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, got.bytes));
      const row = await server.services.store.db.selectFrom("media").select("sha256").where("id", "=", res.body.image.id).executeTakeFirstOrThrow();
      expect(row.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
  });

  it("reads the type from the bytes: JPEG, PNG, WebP, HEIC and AVIF, whatever the data URI declares", async () => {
    const sessionId = await newSession(shop);
    const samples = [
      ["image/jpeg", await makeJpeg()],
      ["image/png", await makePng()],
      ["image/webp", await makeWebp()],
      ["image/heic", smallHeic()],
      ["image/avif", await makeAvif()],
    ] as const;
    for (const [mimetype, bytes] of samples) {
      // A data URI that lies about the type: the bytes decide.
      const res = await upload(shop, sessionId, null, { content: dataUri(bytes, "image/gif") });
      expect(res.status, res.text).toBe(201);
      expect(res.body.image.mimetype).toBe(mimetype);
      const got = await download(server.url, shop, res.body.image.id);
      expect(got.headers.get("content-type")).toBe(mimetype);
      expect(got.bytes.equals(bytes)).toBe(true);
    }
    const heic = await server.services.store.db.selectFrom("media").select(["width", "height"]).where("session_id", "=", sessionId).where("mimetype", "=", "image/heic").executeTakeFirstOrThrow();
    expect(heic).toEqual({ width: 64, height: 48 });
  });

  it("takes bare base64, data URIs, unpadded, URL-safe and line-wrapped base64", async () => {
    const sessionId = await newSession(shop);
    const png = await makePng(33, 17);
    const b64 = png.toString("base64");
    const variants = [
      b64,
      `data:image/png;base64,${b64}`,
      `DATA:image/png;charset=binary;BASE64,${b64}`,
      b64.replace(/=+$/, ""),
      png.toString("base64url"),
      b64.replace(/.{76}/g, "$&\r\n"),
    ];
    for (const content of variants) {
      const res = await upload(shop, sessionId, null, { content });
      expect(res.status, res.text).toBe(201);
      expect(res.body.image.size).toBe(png.length);
    }
  });

  it("accepts every upload context of docs/veriff-api.md §4.3, -pre variants included", async () => {
    const sessionId = await newSession(shop);
    const jpeg = await makeJpeg(16, 16);
    const contexts = ["document-front", "document-back", "face", "document-and-face", "document-front-with-signature", "face-reference", "address-front", "document-front-pre", "document-back-pre", "face-pre", "document-and-face-pre", "document-front-with-signature-pre"];
    for (const context of contexts) {
      const res = await upload(shop, sessionId, jpeg, { context });
      expect(res.status, context).toBe(201);
      expect(res.body.image.context).toBe(context);
    }
    const listed = await shop.api.request("GET", `/earthid/api/sessions/${sessionId}/media`, { signOver: sessionId });
    expect(listed.body.images.map((i: { context: string }) => i.context)).toEqual(contexts);
  });

  it("lists the latest attempt's media by session and by attempt, under both prefixes", async () => {
    const sessionId = await newSession(shop);
    const empty = await shop.api.request("GET", `/v1/sessions/${sessionId}/media`, { signOver: sessionId });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ status: "success", images: [], videos: [] });

    const first = await upload(shop, sessionId, await makeJpeg(), { context: "document-front", prefix: "/v1" });
    expect(first.body.image.url).toBe(`https://verify.example.org/v1/media/${first.body.image.id}`);
    const second = await upload(shop, sessionId, await makePng(), { context: "face" });
    const attemptId = first.body.image.attemptId;
    expect(second.body.image.attemptId).toBe(attemptId);

    const bySession = await shop.api.request("GET", `/v1/sessions/${sessionId}/media`, { signOver: sessionId });
    expect(bySession.status).toBe(200);
    expect(bySession.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, bySession.text));
    expect(bySession.body.videos).toEqual([]);
    expect(bySession.body.images).toEqual([
      { ...first.body.image },
      { ...second.body.image, url: `https://verify.example.org/v1/media/${second.body.image.id}` },
    ]);

    const byAttempt = await shop.api.request("GET", `/earthid/api/attempts/${attemptId}/media`, { signOver: attemptId });
    expect(byAttempt.status).toBe(200);
    expect(byAttempt.body.images.map((i: { id: string }) => i.id)).toEqual([first.body.image.id, second.body.image.id]);

    const v1Bytes = await fetch(`${server.url}/v1/media/${second.body.image.id}`, { headers: { "x-auth-client": shop.apiKey, "x-hmac-signature": sign(shop.sharedSecret, second.body.image.id) } });
    expect(v1Bytes.headers.get("content-type")).toBe("image/png");
  });

  it("records one media.uploaded audit event per upload and one session.started per attempt", async () => {
    const sessionId = await newSession(shop);
    const a = await upload(shop, sessionId, await makeJpeg());
    await upload(shop, sessionId, await makeJpeg());
    const events = await server.services.audit.listForSession(sessionId);
    expect(events.filter((e) => e.type === "session.started")).toHaveLength(1);
    const uploaded = events.filter((e) => e.type === "media.uploaded");
    expect(uploaded).toHaveLength(2);
    expect(JSON.parse(uploaded[0]!.data)).toEqual({ attemptId: a.body.image.attemptId, mediaId: a.body.image.id, context: "document-front", mimetype: "image/jpeg", size: a.body.image.size });
    expect(uploaded[0]!.actor).toBe("integrator");
  });

  it("keeps the bytes encrypted at rest, under a folder and file name of our own ids", async () => {
    const sessionId = await newSession(shop);
    const png = await makePng(50, 50);
    const res = await upload(shop, sessionId, png);
    const folder = path.join(server.env.EARTHID_DATA_DIR!, "media", sessionId);
    expect(readdirSync(folder)).toEqual([res.body.image.id]);
    const onDisk = readFileSync(path.join(folder, res.body.image.id));
    expect(onDisk.length).toBeGreaterThan(png.length);
    expect(onDisk.includes(png.subarray(0, 8))).toBe(false);
    expect(onDisk.includes(png.subarray(png.length / 2, png.length / 2 + 32))).toBe(false);
    // The same image uploaded twice is sealed with a fresh IV each time.
    const again = await upload(shop, sessionId, png);
    expect(readFileSync(path.join(folder, again.body.image.id)).equals(onDisk)).toBe(false);
  });
});
