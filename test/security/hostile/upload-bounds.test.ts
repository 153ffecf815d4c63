import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaWork } from "../../../src/media/work.js";
import { expectFail, sign } from "../../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../../support/server.js";
import { makeJpeg, newSession, upload } from "../../media/images.js";

/**
 * Issue 14, finding 2: 200 concurrent 20 MB uploads with a wrong signature were each buffered whole
 * and handed on before the signature was checked (8.2 GB resident). The HMAC is now worked out as
 * the body streams in and a wrong one is refused there, and uploads in flight are bounded per
 * integration and per instance (429 with Retry-After).
 */
const neverAnswers = new URL("./never-answers.worker.js", import.meta.url).href;

/**
 * An upload whose headers are sent and whose body is not finished: it holds its slot until
 * `abort()`. Sent again if it is answered 429 (a probe of the test held the slot at that moment).
 */
function holdUpload(url: string, shop: TestIntegration, sessionId: string) {
  let current: http.ClientRequest;
  let aborted = false;
  const send = () => {
    const req = http.request(`${url}/earthid/api/sessions/${sessionId}/media`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "1000000", "x-auth-client": shop.apiKey, "x-hmac-signature": sign(shop.sharedSecret, "whatever") },
    });
    current = req;
    req.on("error", () => undefined);
    req.on("response", (res) => {
      res.resume();
      // Its body will never be finished: the connection goes with it.
      req.destroy();
      if (res.statusCode === 429 && !aborted) send();
    });
    req.write('{"image":{"context":"face","content":"');
  };
  send();
  return {
    abort: () => {
      aborted = true;
      current.destroy();
    },
  };
}

describe("a wrong signature is refused as the body streams in, never handed to a worker", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let sessionId: string;
  beforeAll(async () => {
    // Workers that never answer: any upload that reached one would hang.
    server = await startTestServer({}, { mediaWork: mediaWork({ filename: neverAnswers, taskTimeoutMs: 60_000, closeTimeoutMs: 200 }) });
    shop = await server.integration();
    sessionId = await newSession(shop);
  });
  afterAll(() => server.close());

  it("20 MB bodies with a wrong signature, eight at once: each 401 1819", async () => {
    const body = Buffer.from(JSON.stringify({ image: { context: "face", content: "A".repeat(20 * 1024 * 1024) } }));
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => shop.api.request("POST", `/earthid/api/sessions/${sessionId}/media`, { body, signOver: false, headers: { "x-hmac-signature": sign(shop.sharedSecret, "not the body") } })),
    );
    for (const res of answers) expectFail(res, 401, "1819", "request body");
  });
});

describe("uploads in flight are bounded per integration and per instance", () => {
  let server: TestServer;
  let first: TestIntegration;
  let second: TestIntegration;
  let third: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer({ EARTHID_UPLOADS_IN_FLIGHT: "2", EARTHID_UPLOADS_IN_FLIGHT_PER_INTEGRATION: "1" });
    [first, second, third] = [await server.integration(), await server.integration(), await server.integration()];
  });
  afterAll(() => server.close());

  it("429 with Retry-After past either bound, before the body is read; the slots come back when the uploads end", async () => {
    const jpeg = await makeJpeg();
    const sessions = { first: await newSession(first), second: await newSession(second), third: await newSession(third) };
    const held = holdUpload(server.url, first, sessions.first);
    let heldToo: { abort(): void } | undefined;
    try {
      // The held upload is admitted as soon as its headers arrive; until then another may slip in and be served.
      await expect.poll(async () => (await upload(first, sessions.first, jpeg)).status, { timeout: 20_000 }).toBe(429);
      const limited = await upload(first, sessions.first, jpeg);
      expectFail(limited, 429, "1904", "1 uploads of this integration are in flight");
      expect(limited.headers.get("retry-after")).toBe("1");

      // Another integration still has room in the instance's two slots.
      expect((await upload(second, sessions.second, jpeg)).status).toBe(201);
      heldToo = holdUpload(server.url, second, sessions.second);
      await expect.poll(async () => (await upload(third, sessions.third, jpeg)).body?.message ?? "", { timeout: 20_000 }).toMatch(/2 uploads are being read by this instance/);
    } finally {
      held.abort();
      heldToo?.abort();
    }
    await expect.poll(async () => (await upload(first, sessions.first, jpeg)).status, { timeout: 20_000 }).toBe(201);
    expect((await upload(third, sessions.third, jpeg)).status).toBe(201);
  });
});
