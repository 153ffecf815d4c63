import { request as httpRequest } from "node:http";
import { readdirSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sign } from "../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { download, heicDeclaring, makeJpeg, makePng, newSession, obamaJpeg, pngDeclaring, upload } from "./images.js";

const fail = (res: { status: number; body: any }, status: number, code: string, field?: RegExp) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(Object.keys(res.body)).toEqual(["status", "code", "message"]);
  expect(res.body.status).toBe("fail");
  expect(res.body.code).toBe(code);
  if (field) expect(res.body.message).toMatch(field);
};

describe("POST /sessions/{id}/media: what is refused, and that nothing is harmed by it", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let sessionId: string;
  let earlier: { id: string; bytes: Buffer };
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "shop" });
    sessionId = await newSession(shop);
    const bytes = obamaJpeg();
    const res = await upload(shop, sessionId, bytes, { context: "face" });
    expect(res.status).toBe(201);
    earlier = { id: res.body.image.id, bytes };
  });
  afterAll(async () => {
    // Whatever was thrown at it, the earlier upload is intact and alone.
    const got = await download(server.url, shop, earlier.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(earlier.bytes)).toBe(true);
    const listed = await shop.api.request("GET", `/earthid/api/sessions/${sessionId}/media`, { signOver: sessionId });
    expect(listed.body.images.map((i: { id: string }) => i.id)).toEqual([earlier.id]);
    expect(readdirSync(path.join(server.env.EARTHID_DATA_DIR!, "media", sessionId))).toEqual([earlier.id]);
    await server.close();
  });

  describe("Veriff's 14xx codes, each naming the field", () => {
    it("1403 when the image property is missing or not an object", async () => {
      fail(await shop.api.request("POST", `/earthid/api/sessions/${sessionId}/media`, { body: {} }), 400, "1403", /image/);
      fail(await shop.api.request("POST", `/earthid/api/sessions/${sessionId}/media`, { body: { image: "abc" } }), 400, "1403", /image/);
      fail(await shop.api.request("POST", `/earthid/api/sessions/${sessionId}/media`, { body: { image: { content: "abc" } } }), 400, "1403", /image\.context/);
    });

    it("1402 when the context is not one we take", async () => {
      const res = await upload(shop, sessionId, await makeJpeg(), { context: "selfie" });
      fail(res, 400, "1402", /image\.context must be one of document-front/);
      fail(await upload(shop, sessionId, await makeJpeg(), { context: "face-cropped" }), 400, "1402");
      fail(await shop.api.request("POST", `/earthid/api/sessions/${sessionId}/media`, { body: { image: { context: 7, content: "abc" } } }), 400, "1402");
    });

    it("1400 when there is no image data", async () => {
      fail(await shop.api.request("POST", `/earthid/api/sessions/${sessionId}/media`, { body: { image: { context: "face" } } }), 400, "1400", /image\.content/);
      fail(await upload(shop, sessionId, null, { content: null }), 400, "1400", /image\.content is empty/);
      fail(await upload(shop, sessionId, null, { content: "" }), 400, "1400", /image\.content/);
      fail(await upload(shop, sessionId, null, { content: "data:image/png;base64," }), 400, "1400", /image\.content holds no data/);
    });

    it("1401 when the content is not base64", async () => {
      fail(await upload(shop, sessionId, null, { content: 12345 }), 400, "1401", /image\.content/);
      fail(await upload(shop, sessionId, null, { content: "not base64 at all!" }), 400, "1401", /image\.content has the character "!"/);
      fail(await upload(shop, sessionId, null, { content: "AAAA=AAA" }), 400, "1401", /image\.content/);
      fail(await upload(shop, sessionId, null, { content: `data:image/png,${"%89PNG"}` }), 400, "1401", /without ;base64/);
    });

    it("1400 for base64 of something that is not an image, whatever the data URI says", async () => {
      const text = Buffer.from("%PDF-1.7 pretend this is a passport");
      fail(await upload(shop, sessionId, null, { content: `data:image/jpeg;base64,${text.toString("base64")}` }), 400, "1400", /not a JPEG, PNG, WebP or HEIC image/);
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
      fail(await upload(shop, sessionId, svg), 400, "1400");
      const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#fff" } }).gif().toBuffer();
      fail(await upload(shop, sessionId, gif), 400, "1400");
    });

    it("validation errors use Veriff's body and are signed like any response", async () => {
      const res = await upload(shop, sessionId, null, { content: "@@@@" });
      expect(res.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
    });
  });

  describe("hostile content", () => {
    it("truncated base64: a dangling character is 1401, a clean cut leaves a truncated image (1400)", async () => {
      const b64 = obamaJpeg().toString("base64");
      fail(await upload(shop, sessionId, null, { content: b64.slice(0, 4001) }), 400, "1401", /truncated/);
      const cleanCut = Math.floor((b64.length * 0.75) / 4) * 4;
      fail(await upload(shop, sessionId, null, { content: b64.slice(0, cleanCut) }), 400, "1400", /could not be decoded as image\/jpeg \(.*premature end/);
    });

    it("a PNG signature and header in front of garbage", async () => {
      const png = await makePng(64, 64);
      const garbage = Buffer.alloc(20_000);
      for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 2654435761) >>> 24;
      fail(await upload(shop, sessionId, Buffer.concat([png.subarray(0, 33), garbage])), 400, "1400", /PNG/);
      fail(await upload(shop, sessionId, Buffer.concat([png.subarray(0, 8), garbage])), 400, "1400", /PNG/);
      // A real PNG whose image data is damaged half-way.
      const damaged = Buffer.from(png);
      garbage.copy(damaged, 60, 0, damaged.length - 80);
      fail(await upload(shop, sessionId, damaged), 400, "1400");
    });

    it("a 100-megapixel decompression bomb: refused from its header, before any decoding", async () => {
      const tiny = await pngDeclaring(10_000, 10_000);
      expect(tiny.length).toBeLessThan(100);
      const started = performance.now();
      fail(await upload(shop, sessionId, tiny), 400, "1400", /10000×10000 pixels, more than the limit of 50 megapixels/);
      expect(performance.now() - started).toBeLessThan(2_000);
      fail(await upload(shop, sessionId, heicDeclaring(10_000, 10_000)), 400, "1400", /10000×10000/);
    });

    it("a highly compressible real PNG of 100 megapixels", async () => {
      const bomb = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: "#000" } }).png({ compressionLevel: 9 }).toBuffer();
      expect(bomb.length).toBeLessThan(1_000_000);
      fail(await upload(shop, sessionId, bomb), 400, "1400", /more than the limit of 50 megapixels/);
    });

    it("a JPEG whose frame header declares 20000×20000", async () => {
      const jpeg = Buffer.from(await makeJpeg(16, 16));
      // SOF0: FF C0, length (2), precision (1), height (2), width (2).
      const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10]));
      expect(sof).toBeGreaterThan(0);
      jpeg.writeUInt16BE(20_000, sof + 5);
      jpeg.writeUInt16BE(20_000, sof + 7);
      fail(await upload(shop, sessionId, jpeg), 400, "1400", /20000×20000 pixels/);
    });

    it("content past 24 MiB of base64 is 413, and a 30 MB body is refused before it is read", async () => {
      const over = "A".repeat(24 * 1024 * 1024 + 4);
      fail(await upload(shop, sessionId, null, { content: over }), 413, "1902");

      const body = Buffer.from(JSON.stringify({ image: { context: "face", content: "A".repeat(30 * 1024 * 1024) } }));
      const res = await rawPost(`${server.url}/earthid/api/sessions/${sessionId}/media`, body, { "x-auth-client": shop.apiKey, "x-hmac-signature": sign(shop.sharedSecret, body) });
      fail(res, 413, "1902");
    });

    it("a body that is not JSON is refused with Veriff's body", async () => {
      fail(await shop.api.request("POST", `/earthid/api/sessions/${sessionId}/media`, { body: "{\"image\":" }), 400, "1906");
      const notJson = await shop.api.request("POST", `/earthid/api/sessions/${sessionId}/media`, { body: "x", headers: { "content-type": "image/jpeg" } });
      fail(notJson, 415, "1903");
    });
  });

  describe("the session", () => {
    it("409 once the session was submitted, and the file written for it is gone", async () => {
      const submitted = await newSession(shop);
      expect((await upload(shop, submitted, await makeJpeg())).status).toBe(201);
      await server.services.lifecycle.submit({ sessionId: submitted, actor: { kind: "integrator", integrationId: shop.id } });
      fail(await upload(shop, submitted, await makeJpeg()), 409, "1905", /media can be uploaded only until it is submitted/);
      expect(readdirSync(path.join(server.env.EARTHID_DATA_DIR!, "media", submitted))).toHaveLength(1);
    });

    it("404 for a missing session, a malformed id and a path-traversal id", async () => {
      for (const id of ["7b1d7a52-6a6a-4a5e-9d8f-000000000000", "not-a-session", "..%2F..%2Fetc"]) {
        fail(await upload(shop, id, await makeJpeg()), 404, "1901");
      }
    });
  });
});

/** A POST through node:http, which reads the answer even when the server stops reading the body. */
function rawPost(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { ...headers, "content-type": "application/json", "content-length": String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
    });
    // The server may answer 413 and close while the body is still going out.
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    req.end(body);
  });
}
