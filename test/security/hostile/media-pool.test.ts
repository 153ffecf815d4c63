import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors.js";
import { mediaWork } from "../../../src/media/work.js";
import { apiClient, expectFail, sign } from "../../support/client.js";
import { type TestIntegration, type TestServer, startTestServer, testEnvironment } from "../../support/server.js";
import { demoBanner, spawnServer } from "../../support/built-cli.js";
import { download, makeJpeg, newSession, upload } from "../../media/images.js";

/**
 * Issue 14, finding 1: one upload nested about 5,000 levels deep, sent with a valid key and no
 * signature, took a media thread for good (its parsed result could not be decoded on the main
 * thread); four took every thread, and uploads, downloads and SIGTERM hung after them.
 */
const deepBody = (levels = 5_000) => `{"image":{"context":"face","content":"/9j/"},"x":${"[".repeat(levels)}${"]".repeat(levels)}}`;
const neverAnswers = new URL("./never-answers.worker.js", import.meta.url).href;

const post = (url: string, shop: TestIntegration, sessionId: string, body: string, signature: string | null) =>
  fetch(`${url}/earthid/api/sessions/${sessionId}/media`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-auth-client": shop.apiKey, ...(signature === null ? {} : { "x-hmac-signature": signature }) },
    body,
  }).then(async (res) => ({ status: res.status, headers: res.headers, text: await res.text() }));

const failed = (res: { status: number; headers: Headers; text: string }) => ({ ...res, body: JSON.parse(res.text) });

/** A normal upload and its download still work: the pool serves. */
async function stillServes(url: string, shop: TestIntegration, sessionId: string) {
  const jpeg = await makeJpeg();
  const uploaded = await upload(shop, sessionId, jpeg);
  expect(uploaded.status, uploaded.text).toBe(201);
  const fetched = await download(url, shop, uploaded.body.image.id);
  expect(fetched.status).toBe(200);
  expect(fetched.bytes.equals(jpeg)).toBe(true);
}

describe("hostile uploads do not wedge the media pool", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let sessionId: string;
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration();
    sessionId = await newSession(shop);
  });
  afterAll(() => server.close());

  it("deeply nested bodies: unsigned and wrongly signed ones are refused unread (401), signed ones with 1912; uploads and downloads go on", async () => {
    const body = deepBody();
    // Six at once of each kind: within the uploads one integration may have in flight (8).
    const six = (signature: string | null) => Promise.all(Array.from({ length: 6 }, () => post(server.url, shop, sessionId, body, signature)));
    const answers = [...(await six(null)), ...(await six(sign(shop.sharedSecret, `${body} `))), ...(await six(sign(shop.sharedSecret, body)))];
    for (const res of answers.slice(0, 6)) expectFail(failed(res), 401, "1812", "X-HMAC-SIGNATURE");
    for (const res of answers.slice(6, 12)) expectFail(failed(res), 401, "1819", "request body");
    for (const res of answers.slice(12)) expectFail(failed(res), 400, "1912", "deeper than 64 levels");
    await stillServes(server.url, shop, sessionId);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });

  it("an unsigned body is refused before it is parsed: malformed JSON without a valid signature is a 401, not a 400", async () => {
    expectFail(failed(await post(server.url, shop, sessionId, '{"image":', sign(shop.sharedSecret, "other"))), 401, "1819", "request body");
    expectFail(failed(await post(server.url, shop, sessionId, '{"image":', sign(shop.sharedSecret, '{"image":'))), 400, "1906", "not valid JSON");
  });

  it("only the known fields come back from the worker: nested values where a string belongs get the field's own code", async () => {
    const nested = `{"image":{"context":${"[".repeat(60)}${"]".repeat(60)},"content":"x"}}`;
    expectFail(failed(await post(server.url, shop, sessionId, nested, sign(shop.sharedSecret, nested))), 400, "1402", "image.context");
    const content = `{"image":{"context":"face","content":{"a":{"b":{"c":[1,2,3]}}}}}`;
    expectFail(failed(await post(server.url, shop, sessionId, content, sign(shop.sharedSecret, content))), 400, "1401", "image.content");
    const image = `{"image":[[[["face"]]]]}`;
    expectFail(failed(await post(server.url, shop, sessionId, image, sign(shop.sharedSecret, image))), 400, "1403", "image");
    await stillServes(server.url, shop, sessionId);
  });

  it("every JSON route caps nesting at 64 levels (1912) and takes 64", async () => {
    const nest = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
    // verification {…} is level 2, so x holds 62 more levels at most.
    const create = (body: string) => shop.api.request("POST", "/earthid/api/sessions", { body, signOver: false });
    const atLimit = await create(`{"verification":{"vendorData":"deep","x":${nest(62)}}}`);
    expect(atLimit.status, atLimit.text).toBe(201);
    expectFail(await create(`{"verification":{"vendorData":"deep","x":${nest(63)}}}`), 400, "1912", "deeper than 64 levels");
    // Brackets inside strings, escaped quotes included, are text, not nesting.
    const text = await create(JSON.stringify({ verification: { vendorData: `\\"${"[{".repeat(400)}` } }));
    expect(text.status, text.text).toBe(201);
  });
});

describe("a media pool that stops answering", () => {
  it("each task has a deadline: past it the request answers 503 (1913), and readiness reports the pool meanwhile", async () => {
    const server = await startTestServer({}, { mediaWork: mediaWork({ filename: neverAnswers, taskTimeoutMs: 60_000, stallAfterMs: 100, closeTimeoutMs: 200 }) });
    try {
      const shop = await server.integration();
      const sessionId = await newSession(shop);
      const body = JSON.stringify({ image: { context: "face", content: "/9j/" } });
      const pending = post(server.url, shop, sessionId, body, sign(shop.sharedSecret, body));
      await expect
        .poll(async () => {
          const res = await fetch(`${server.url}/ready`);
          return [res.status, ((await res.json()) as { mediaWorkers?: string }).mediaWorkers];
        }, { timeout: 20_000 })
        .toEqual([503, "not answering"]);
      // Closing ends the threads after closeTimeoutMs, whatever they are doing; the request waiting on them gets its answer.
      await server.app.close();
      expectFail(failed(await pending), 503, "1913", "did not finish");
    } finally {
      await server.close();
    }
  });

  it("a task past its deadline is aborted with 1913 and its thread replaced; readiness comes back", async () => {
    const server = await startTestServer({}, { mediaWork: mediaWork({ filename: neverAnswers, taskTimeoutMs: 300, stallAfterMs: 60_000, closeTimeoutMs: 200 }) });
    try {
      const shop = await server.integration();
      const sessionId = await newSession(shop);
      const body = JSON.stringify({ image: { context: "face", content: "/9j/" } });
      const answers = await Promise.all(Array.from({ length: 3 }, () => post(server.url, shop, sessionId, body, sign(shop.sharedSecret, body))));
      for (const res of answers) expectFail(failed(res), 503, "1913", "did not finish");
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("mediaWork itself: the deadline rejects with the catalogue's 1913, and close() ends threads that never answer", async () => {
    const work = mediaWork({ filename: neverAnswers, taskTimeoutMs: 200, closeTimeoutMs: 200 });
    const error = await work.seal(Buffer.alloc(32), Buffer.from("x"), "aad").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("1913");
    const stuck = work.open(Buffer.alloc(32), Buffer.from("x"), "aad", null).catch((e: unknown) => e);
    await work.close();
    expect(await stuck).toBeInstanceOf(Error);
  });
});

describe("the server process after hostile uploads", () => {
  it("keeps serving and still stops on SIGTERM", async () => {
    const environment = await testEnvironment();
    const server = await spawnServer({ ...environment.env, LOG_LEVEL: "warn" });
    try {
      const demo = demoBanner(server.stdout());
      if (!demo) throw new Error(`no demo integration in:\n${server.stdout()}`);
      const shop = { ...demo, api: apiClient(server.url, demo.apiKey, demo.sharedSecret) };
      const sessionId = await newSession(shop);
      const body = deepBody();
      const answers = await Promise.all(Array.from({ length: 5 }, () => post(server.url, shop, sessionId, body, null)));
      expect(answers.map((res) => res.status)).toEqual([401, 401, 401, 401, 401]);
      await stillServes(server.url, shop, sessionId);
      expect(await server.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await server.stop();
      await environment.cleanup();
    }
  }, 120_000);
});
