import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sign } from "../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { download, makeJpeg, newSession, upload } from "./images.js";

const MISSING = "0f0e0d0c-0b0a-4909-8807-060504030201";

describe("media endpoints: signatures, tenants and hostile ids", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let rival: TestIntegration;
  let sessionId: string;
  let attemptId: string;
  let mediaId: string;
  let jpeg: Buffer;
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "shop" });
    rival = await server.integration({ name: "rival" });
    sessionId = await newSession(shop);
    jpeg = await makeJpeg();
    const res = await upload(shop, sessionId, jpeg);
    expect(res.status).toBe(201);
    attemptId = res.body.image.attemptId;
    mediaId = res.body.image.id;
  });
  afterAll(() => server.close());

  const reads = () =>
    [
      ["session id", `/earthid/api/sessions/${sessionId}/media`, sessionId],
      ["attempt id", `/earthid/api/attempts/${attemptId}/media`, attemptId],
      ["media id", `/earthid/api/media/${mediaId}`, mediaId],
    ] as const;

  describe("X-HMAC-SIGNATURE", () => {
    it("upload: refused without one, with another secret's, or over anything but the exact body", async () => {
      const body = JSON.stringify({ image: { context: "face", content: jpeg.toString("base64") } });
      const post = (headers: Record<string, string>) => shop.api.request("POST", `/earthid/api/sessions/${sessionId}/media`, { body, signOver: false, headers });
      const none = await post({});
      expect([none.status, none.body.code]).toEqual([401, "1812"]);
      const rivalSecret = await post({ "x-hmac-signature": sign(rival.sharedSecret, body) });
      expect([rivalSecret.status, rivalSecret.body.code]).toEqual([401, "1819"]);
      const overId = await post({ "x-hmac-signature": sign(shop.sharedSecret, sessionId) });
      expect([overId.status, overId.body.code]).toEqual([401, "1819"]);
      const reserialised = await post({ "x-hmac-signature": sign(shop.sharedSecret, JSON.stringify(JSON.parse(body), null, 1)) });
      expect([reserialised.status, reserialised.body.code]).toEqual([401, "1819"]);
      const upper = await post({ "x-hmac-signature": sign(shop.sharedSecret, body).toUpperCase() });
      expect(upper.status).toBe(201);
    });

    it("reads: signed over their own id only; either hex case", async () => {
      for (const [label, url, id] of reads()) {
        const wrongString = await shop.api.request("GET", url, { signOver: url });
        expect([wrongString.status, wrongString.body.code], label).toEqual([401, "1818"]);
        expect(wrongString.body.message).toContain(label);
        const otherId = await shop.api.request("GET", url, { signOver: id === sessionId ? mediaId : sessionId });
        expect(otherId.status, label).toBe(401);
        const rivalSecret = await shop.api.request("GET", url, { signOver: false, headers: { "x-hmac-signature": sign(rival.sharedSecret, id) } });
        expect(rivalSecret.status, label).toBe(401);
        const upper = await shop.api.request("GET", url, { signOver: false, headers: { "x-hmac-signature": sign(shop.sharedSecret, id).toUpperCase() } });
        expect(upper.status, label).toBe(200);
      }
    });

    it("without X-AUTH-CLIENT nothing is read", async () => {
      for (const [label, url, id] of reads()) {
        const res = await shop.api.request("GET", url, { signOver: id, apiKey: null });
        expect([res.status, res.body.code], label).toEqual([401, "1801"]);
      }
    });
  });

  describe("another integration's ids are as absent as missing ones", () => {
    it("its reads answer exactly what a missing id answers", async () => {
      const missing = {
        "session id": await rival.api.request("GET", `/earthid/api/sessions/${MISSING}/media`, { signOver: MISSING }),
        "attempt id": await rival.api.request("GET", `/earthid/api/attempts/${MISSING}/media`, { signOver: MISSING }),
        "media id": await rival.api.request("GET", `/earthid/api/media/${MISSING}`, { signOver: MISSING }),
      };
      for (const [label, url, id] of reads()) {
        const foreign = await rival.api.request("GET", url, { signOver: id });
        expect(foreign.status, label).toBe(404);
        expect(foreign.body, label).toEqual(missing[label]!.body);
      }
    });

    it("it cannot upload into the session, and nothing is written for it", async () => {
      const before = await shop.api.request("GET", `/earthid/api/sessions/${sessionId}/media`, { signOver: sessionId });
      const foreign = await upload(rival, sessionId, jpeg);
      const missing = await upload(rival, MISSING, jpeg);
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual(missing.body);
      const after = await shop.api.request("GET", `/earthid/api/sessions/${sessionId}/media`, { signOver: sessionId });
      expect(after.body).toEqual(before.body);
      expect(existsSync(path.join(server.env.EARTHID_DATA_DIR!, "media", MISSING))).toBe(false);
    });
  });

  describe("path-traversal and malformed ids", () => {
    const hostile = ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%252F..%252Fetc%252Fpasswd", "..\\..\\master.key", "%00", "master.key", `${"a".repeat(300)}`];

    it("GET /media/{id} answers 404 for each, signed over the id as decoded", async () => {
      for (const raw of hostile) {
        const decoded = decodeURIComponent(raw);
        const res = await shop.api.request("GET", `/earthid/api/media/${raw}`, { signOver: decoded });
        // A control character is refused at the edge (issue 14, finding 6).
        expect(res.status, raw).toBe(raw === "%00" ? 400 : 404);
        expect(res.body.status).toBe("fail");
        expect(res.text).not.toContain("root:");
      }
    });

    it("the list routes answer 404 for each too", async () => {
      for (const raw of hostile) {
        const decoded = decodeURIComponent(raw);
        for (const route of ["sessions", "attempts"]) {
          const res = await shop.api.request("GET", `/earthid/api/${route}/${raw}/media`, { signOver: decoded });
          expect(res.status, `${route} ${raw}`).toBe(raw === "%00" ? 400 : 404);
        }
      }
    });

    it("an unnormalised ../ path is not routed anywhere near the files", async () => {
      for (const raw of ["/earthid/api/media/../../etc/passwd", "/v1/media/..%2f..%2f..%2fmaster.key", "/earthid/api/media/./../../master.key"]) {
        const res = await rawGet(`${server.url}${raw}`, { "x-auth-client": shop.apiKey, "x-hmac-signature": sign(shop.sharedSecret, "../../etc/passwd") });
        expect(res.status, raw).toBeGreaterThanOrEqual(400);
        expect(res.status, raw).toBeLessThan(500);
        expect(res.text).not.toMatch(/root:|^[0-9a-f]{64}$/m);
      }
    });

    it("a well-formed but upper-case media id is the same media", async () => {
      const upper = mediaId.toUpperCase();
      const res = await download(server.url, shop, upper);
      expect(res.status).toBe(200);
      expect(res.bytes.equals(jpeg)).toBe(true);
    });
  });
});

/** GET with the path sent exactly as written (fetch would normalise the dots away). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const { host, port } = new URL(url);
  const pathOnly = url.slice(url.indexOf("/", "http://".length));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: host.split(":")[0], port, path: pathOnly, method: "GET", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end();
  });
}
