import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deletionWait } from "../../src/verification/erasure.js";
import { expectFail } from "../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { createSession, lifecycle, storedSession } from "./helpers.js";

describe("DELETE /sessions/{id}: rate-limited per integration, counted in the store", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let other: TestIntegration;
  beforeAll(async () => {
    // Veriff's defaults: 5 an hour, 10 a day.
    server = await startTestServer();
    shop = await server.integration({ name: "shop" });
    other = await server.integration({ name: "other" });
  });
  afterAll(() => server.close());

  it("answers 429 to the 6th deletion within an hour, with Retry-After, deleting nothing", async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => createSession(shop)));
    for (const id of ids.slice(0, 5)) expect((await lifecycle(shop).remove(id)).status).toBe(200);
    const sixth = await lifecycle(shop).remove(ids[5]!);
    expectFail(sixth, 429, "1904", "session deletions are limited to 5 per hour and 10 per 24 hours");
    const retryAfter = Number(sixth.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const stored = await storedSession(server, ids[5]!);
    expect(stored.session!.deleted_at).toBeNull();
    expect(stored.key).toBeDefined();
    expect((await shop.api.getSession(ids[5]!)).status).toBe(200);
  });

  it("counts per integration: another integration still deletes", async () => {
    const id = await createSession(other);
    expect((await lifecycle(other).remove(id)).status).toBe(200);
  });

  it("still answers 404 for a session the integration does not have", async () => {
    expectFail(await lifecycle(shop).remove(crypto.randomUUID()), 404, "1901", "Session not found");
  });

  it("holds across instances: a second server on the same store refuses too", async () => {
    const { loadConfig } = await import("../../src/config.js");
    const { composeServices } = await import("../../src/app/compose.js");
    const { buildApp } = await import("../../src/app/http.js");
    const { apiClient } = await import("../support/client.js");
    const config = loadConfig({ ...server.env, PORT: "0" });
    const { app, services } = await buildApp(config, (observers) => composeServices(config, observers));
    await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const address = app.server.address();
      const url = typeof address === "object" && address ? `http://127.0.0.1:${address.port}` : "";
      const second = { ...shop, api: apiClient(url, shop.apiKey, shop.sharedSecret) };
      const id = await createSession(second);
      expectFail(await lifecycle(second).remove(id), 429, "1904", "Too many requests");
    } finally {
      await app.close();
      await services.close();
    }
  });

  it("works out the wait from both windows, and 0 disables a window", () => {
    const at = 100 * 3_600_000;
    const minutesAgo = (m: number) => at - m * 60_000;
    const limits = { perHour: 5, perDay: 10 };
    expect(deletionWait([], at, limits)).toBeUndefined();
    expect(deletionWait([1, 2, 3, 4].map(minutesAgo), at, limits)).toBeUndefined();
    // Five in the last hour: wait until the oldest of them (50 min ago) is an hour old.
    expect(deletionWait([10, 20, 30, 40, 50].map(minutesAgo), at, limits)).toBe(600);
    // Ten in the last day, none in the last hour: wait for the oldest to leave the day.
    const day = [70, 80, 90, 100, 110, 120, 130, 140, 150, 1430].map(minutesAgo);
    expect(deletionWait(day, at, limits)).toBe(600);
    expect(deletionWait(day, at, { perHour: 5, perDay: 0 })).toBeUndefined();
    expect(deletionWait([10, 20, 30, 40, 50].map(minutesAgo), at, { perHour: 0, perDay: 0 })).toBeUndefined();
  });
});

describe("DELETE rate limit: configurable", () => {
  let server: TestServer;
  let shop: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer({ EARTHID_DELETE_LIMIT_PER_HOUR: "2", EARTHID_DELETE_LIMIT_PER_DAY: "0" });
    shop = await server.integration({ name: "shop" });
  });
  afterAll(() => server.close());

  it("follows EARTHID_DELETE_LIMIT_PER_HOUR", async () => {
    const ids = await Promise.all(Array.from({ length: 3 }, () => createSession(shop)));
    expect((await lifecycle(shop).remove(ids[0]!)).status).toBe(200);
    expect((await lifecycle(shop).remove(ids[1]!)).status).toBe(200);
    expectFail(await lifecycle(shop).remove(ids[2]!), 429, "1904", "session deletions are limited to 2 per hour;");
  });

  it("lets only the limit through when deletions race", async () => {
    const racer = await server.integration({ name: "racer" });
    const ids = await Promise.all(Array.from({ length: 6 }, () => createSession(racer)));
    const results = await Promise.all(ids.map((id) => lifecycle(racer).remove(id)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429, 429, 429, 429]);
  });
});
