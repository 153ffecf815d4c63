import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { apiClient, expectFail, sign } from "../support/client.js";
import { builtCli, runCli, runProcess } from "../support/built-cli.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The operator's integration commands, run as `node bin/earthid.js …` child processes (compiled from
 * src/ by builtCli) against the data directory (and, on PostgreSQL, the database) of a server that is
 * already running.
 */
describe(`earthid integrations, against a running server (${storeKind})`, { timeout: 120_000 }, () => {
  let server: TestServer;
  const earthid = (...args: string[]) => runCli(args, server.env);
  const json = async (...args: string[]) => {
    const result = await earthid(...args, "--json");
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };
  /** The integration's own audit events (not its sessions'), oldest first: type, actor and who. */
  const integrationEvents = async (id: string) =>
    (await server.services.store.db.selectFrom("audit_events").selectAll().where("integration_id", "=", id).where("type", "like", "integration.%").orderBy("created_at").orderBy("id").execute())
      .map((e) => ({ type: e.type, actor: e.actor, data: JSON.parse(e.data) as unknown }));

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), builtCli()]);
  });
  afterAll(() => server.close());

  // Deliberately the real bin/earthid.js over the dist/ that `npm install` builds (prepare script), as
  // an operator gets it: the one test here that does not run the builtCli() copy.
  it("`npx earthid --help` works from the repository root", async () => {
    const result = await runProcess("npx", ["--no-install", "earthid", "--help"], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Usage: earthid <command>");
    expect(result.stdout).toContain("integrations rotate-secret ID");
  });

  it("creates an integration whose key the running server accepts at once", async () => {
    const created = await json(
      "integrations", "create", "--name", "shop",
      "--callback", "https://shop.example/thanks",
      "--decision-webhook", "https://shop.example/hooks/decision",
      "--event-webhook", "https://shop.example/hooks/events",
    );
    expect(created).toMatchObject({
      name: "shop",
      callbackUrl: "https://shop.example/thanks",
      decisionWebhookUrl: "https://shop.example/hooks/decision",
      eventWebhookUrl: "https://shop.example/hooks/events",
      isTest: false,
      active: true,
    });
    expect(created.id).toMatch(UUID);
    expect(created.apiKey).toMatch(UUID);
    expect(created.sharedSecret).toEqual(expect.any(String));
    expect(created.sharedSecret.length).toBeGreaterThanOrEqual(32);

    const api = apiClient(server.url, created.apiKey, created.sharedSecret);
    const session = await api.createSession({ vendorData: "from-cli" });
    expect(session.status).toBe(201);
    expect(session.headers.get("x-hmac-signature")).toBe(sign(created.sharedSecret, session.text));
    expect((await api.getSession(session.body.verification.id)).status).toBe(200);
  });

  it("creates a test integration with --test, which may use a plain-http callback", async () => {
    const created = await json("integrations", "create", "--name", "sandbox", "--test", "--callback", "http://shop.example/thanks");
    expect(created.isTest).toBe(true);
    const api = apiClient(server.url, created.apiKey, created.sharedSecret);
    expect((await api.createSession({ callback: "http://shop.example/again" })).status).toBe(201);
  });

  it("prints the keys for a human without --json, the secret flagged as shown once", async () => {
    const result = await earthid("integrations", "create", "--name", "readable");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^id:\s+[0-9a-f-]{36}$/m);
    expect(result.stdout).toMatch(/^API key:\s+[0-9a-f-]{36}$/m);
    expect(result.stdout).toMatch(/^shared secret:\s+\S+\s+\(shown once/m);
  });

  it("lists the integrations without their secrets", async () => {
    const created = await json("integrations", "create", "--name", "listed");
    const result = await earthid("integrations", "list", "--json");
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(listed.find((i) => i.id === created.id)).toMatchObject({ name: "listed", apiKey: created.apiKey, active: true });
    expect(result.stdout).not.toContain(created.sharedSecret);
    expect(listed.every((i) => !("sharedSecret" in i) && !("secret" in i))).toBe(true);
    const human = await earthid("integrations", "list");
    expect(human.stdout).toContain(created.apiKey);
    expect(human.stdout).not.toContain(created.sharedSecret);
  });

  it("rotate-secret: the old secret stops working in the running server at once, the new one works", async () => {
    const created = await json("integrations", "create", "--name", "rotating");
    const old = apiClient(server.url, created.apiKey, created.sharedSecret);
    const id = (await old.createSession({})).body.verification.id as string;
    // The server has the integration in its key cache now.
    expect((await old.getSession(id)).status).toBe(200);

    const rotated = await json("integrations", "rotate-secret", created.id);
    expect(rotated.id).toBe(created.id);
    expect(rotated.sharedSecret).not.toBe(created.sharedSecret);

    expectFail(await old.getSession(id), 401, "1820", "does not match");
    expectFail(await old.request("POST", "/earthid/api/sessions", { body: { verification: {} } }), 401, "1819", "request body");
    const fresh = apiClient(server.url, created.apiKey, rotated.sharedSecret);
    const read = await fresh.getSession(id);
    expect(read.status).toBe(200);
    expect(read.headers.get("x-hmac-signature")).toBe(sign(rotated.sharedSecret, read.text));
    // One event each, naming the operator: the same events the back-office's buttons record, with a reviewer.
    expect(await integrationEvents(created.id)).toEqual([
      { type: "integration.created", actor: "operator", data: { reviewerId: null } },
      { type: "integration.secret_rotated", actor: "operator", data: { reviewerId: null } },
    ]);
  });

  it("deactivate: the running server refuses the key with 1804 at once; others go on", async () => {
    const leaving = await json("integrations", "create", "--name", "leaving");
    const staying = await json("integrations", "create", "--name", "staying");
    const api = apiClient(server.url, leaving.apiKey, leaving.sharedSecret);
    const id = (await api.createSession({})).body.verification.id as string;
    expect((await api.getSession(id)).status).toBe(200);

    expect(await json("integrations", "deactivate", leaving.id)).toEqual({ id: leaving.id, active: false });

    expectFail(await api.createSession({}), 401, "1804", "Integration with the API key is not active");
    expectFail(await api.getSession(id), 401, "1804", "not active");
    expect((await apiClient(server.url, staying.apiKey, staying.sharedSecret).createSession({})).status).toBe(201);
    const listed = (await json("integrations", "list")) as { id: string; active: boolean }[];
    expect(listed.find((i) => i.id === leaving.id)?.active).toBe(false);
    expect((await integrationEvents(leaving.id)).map((e) => `${e.type} by ${e.actor}`)).toEqual(["integration.created by operator", "integration.deactivated by operator"]);
    // An id no integration has: refused, and nothing recorded.
    expect((await earthid("integrations", "deactivate", "00000000-0000-4000-8000-000000000000")).code).toBe(1);
  });

  describe("mistakes", () => {
    it("create without --name: exit 2, saying so", async () => {
      const result = await earthid("integrations", "create", "--json");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("integrations create needs --name");
    });

    it("a plain-http callback for a live integration: exit 2, naming --callback", async () => {
      const result = await earthid("integrations", "create", "--name", "cleartext", "--callback", "http://shop.example/thanks");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--callback "http://shop.example/thanks" is refused: http is accepted only for localhost and test integrations');
    });

    it("a webhook that is not a URL: exit 2, naming the option", async () => {
      const result = await earthid("integrations", "create", "--name", "hooks", "--decision-webhook", "shop.example/hooks");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("decision-webhook must be an absolute URL");
    });

    it.each([["rotate-secret"], ["deactivate"]])("%s of an unknown id: exit 1, saying so", async (command) => {
      const id = crypto.randomUUID();
      const result = await earthid("integrations", command, id);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`no integration with id ${id}`);
    });

    it("an unknown option or subcommand: exit 2", async () => {
      expect((await earthid("integrations", "create", "--name", "x", "--colour", "red")).code).toBe(2);
      const unknown = await earthid("integrations", "destroy");
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('unknown integrations command "destroy"');
    });
  });
});
