import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app/http.js";
import { loadConfig } from "../../src/config.js";
import { keyCommands } from "../../src/cli/keys.js";
import { reviewByPerson } from "../../src/verification/assess-job.js";
import { migratedServices, storeKind, testEnvironment } from "../support/server.js";
import { apiClient } from "../support/client.js";
import { formClient, makeReviewer, sessionInReview } from "./support.js";

/** A form open in a reviewer's browser while an operator runs `earthid keys rotate` and restarts the service. */
describe(`back-office forms across a key rotation and a restart (${storeKind})`, () => {
  let environment: Awaited<ReturnType<typeof testEnvironment>>;
  let running: { url: string; close(): Promise<void>; services: Awaited<ReturnType<typeof buildApp>>["services"] };

  async function serve() {
    const config = loadConfig(environment.env);
    const { app, services } = await buildApp(config, migratedServices(config, { assessment: reviewByPerson }));
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    return { url, services, close: async () => (await app.close(), await services.close()) };
  }

  beforeAll(async () => {
    environment = await testEnvironment({ PORT: "0" });
    running = await serve();
  });
  afterAll(async () => {
    await running.close();
    await environment.cleanup();
  });

  it("accepts a form rendered before the rotation, and still refuses one posted without its token", async () => {
    // The helpers need only the services of the server.
    const server = { services: running.services } as never;
    const created = await running.services.integrations.createIntegration({ name: "shop" });
    const shop = { id: created.id, apiKey: created.apiKey, sharedSecret: created.sharedSecret, api: apiClient(running.url, created.apiKey, created.sharedSecret) };
    const id = await sessionInReview(server, shop, "rotated-form");
    await makeReviewer(server, "rota@example.com", "reviewer");
    const before = formClient(running.url);
    await before.logIn("rota@example.com");
    const page = await before.get(`/admin/sessions/${id}`);
    expect(page.text).toContain("Assign to me");
    const token = before.csrf;

    const out: string[] = [];
    expect(await keyCommands(running.services, ["rotate", "--json"], { out: (text) => out.push(text), err: () => {} })).toBe(0);
    expect(JSON.parse(out.join("")).newKey).toBe(true);
    await running.close();
    running = await serve();

    // The same browser (its cookies), on the restarted service, submitting the page it had open.
    const after = formClient(running.url);
    for (const [name, value] of before.jar) after.jar.set(name, value);
    const assigned = await after.post(`/admin/sessions/${id}/assign`, { _csrf: token });
    expect(assigned.status).toBe(303);
    expect(assigned.location).toBe(`/admin/sessions/${id}?done=assigned`);

    const forged = await after.post(`/admin/sessions/${id}/assign`, {}, { withCsrf: false });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain("This form has expired or did not come from this site. Reload the page and try again.");
    const wrong = await after.post(`/admin/sessions/${id}/assign`, { _csrf: `${token.slice(0, -4)}AAAA` });
    expect(wrong.status).toBe(403);
  });
});
