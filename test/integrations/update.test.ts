import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { apiClient, expectFail } from "../support/client.js";
import { builtCli, runCli } from "../support/built-cli.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";

/**
 * `earthid integrations update`, run as a child process against the store of a server that is
 * already running: the keys stay, the change is audited, and the server acts on it at once.
 */
describe(`earthid integrations update, against a running server (${storeKind})`, { timeout: 120_000 }, () => {
  let server: TestServer;
  let receiver: Receiver;
  const earthid = (...args: string[]) => runCli(args, server.env);
  const json = async (...args: string[]) => {
    const result = await earthid(...args, "--json");
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };
  const auditOf = async (integrationId: string) =>
    (await server.services.store.db.selectFrom("audit_events").selectAll().where("integration_id", "=", integrationId).where("type", "=", "integration.updated").orderBy("created_at").orderBy("id").execute()).map(
      (row) => ({ actor: row.actor, sessionId: row.session_id, data: JSON.parse(row.data) }),
    );

  beforeAll(async () => {
    [server, receiver] = await Promise.all([startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_POLL_MS: "100" }), startReceiver(), builtCli()]).then(([s, r]) => [s, r] as const);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("changes name, callback and webhooks; keys stay; the change is audited with before and after", async () => {
    const created = await json("integrations", "create", "--name", "shop", "--callback", "https://shop.example/thanks", "--decision-webhook", "https://shop.example/hooks/decision");
    const updated = await json(
      "integrations", "update", created.id,
      "--name", "shop two",
      "--callback", "https://shop.example/welcome",
      "--decision-webhook", "none",
      "--event-webhook", "https://shop.example/hooks/events",
    );
    expect(updated).toMatchObject({
      id: created.id,
      apiKey: created.apiKey,
      name: "shop two",
      callbackUrl: "https://shop.example/welcome",
      decisionWebhookUrl: null,
      eventWebhookUrl: "https://shop.example/hooks/events",
    });
    const listed = (await json("integrations", "list")) as { id: string }[];
    expect(listed.find((i) => i.id === created.id)).toMatchObject({ name: "shop two", decisionWebhookUrl: null, eventWebhookUrl: "https://shop.example/hooks/events" });

    expect(await auditOf(created.id)).toEqual([
      {
        actor: "operator",
        sessionId: null,
        data: {
          changes: {
            name: { from: "shop", to: "shop two" },
            callback: { from: "https://shop.example/thanks", to: "https://shop.example/welcome" },
            "decision-webhook": { from: "https://shop.example/hooks/decision", to: null },
            "event-webhook": { from: null, to: "https://shop.example/hooks/events" },
          },
        },
      },
    ]);

    // The old shared secret still signs: an update is not a rotation.
    const api = apiClient(server.url, created.apiKey, created.sharedSecret);
    const session = await api.createSession({});
    expect(session.status).toBe(201);
    expect((await api.getSession(session.body.verification.id)).status).toBe(200);
  });

  it("the running server sends the next webhook to the new URL at once", async () => {
    const created = await json("integrations", "create", "--name", "moving", "--test", "--decision-webhook", `${receiver.url}/old`);
    const api = apiClient(server.url, created.apiKey, created.sharedSecret);
    // The key is in the running server's cache before the change.
    expect((await api.createSession({})).status).toBe(201);

    await json("integrations", "update", created.id, "--decision-webhook", `${receiver.url}/new`, "--callback", "http://shop.example/back");
    const session = await api.createSession({ person: { firstName: "Approve" } });
    expect(session.status).toBe(201);
    const sessionId = session.body.verification.id as string;
    await server.services.lifecycle.submit({ sessionId, actor: { kind: "integrator", integrationId: created.id } });
    const received = await receiver.waitFor((all) => all.some((r) => r.json?.verification?.id === sessionId));
    expect(received.filter((r) => r.json?.verification?.id === sessionId).map((r) => r.path)).toEqual(["/new"]);
    // The new default callback is the session's: a test integration may use plain http.
    const stored = await server.services.store.db.selectFrom("sessions").select("callback_url").where("id", "=", sessionId).executeTakeFirstOrThrow();
    expect(stored.callback_url).toBe("http://shop.example/back");
  });

  it("--test-mode on|off: a test integration may use a plain-http callback, and cannot leave test mode while it does", async () => {
    const created = await json("integrations", "create", "--name", "sandbox");
    expect(await json("integrations", "update", created.id, "--test-mode", "on", "--callback", "http://shop.example/back")).toMatchObject({ isTest: true, callbackUrl: "http://shop.example/back" });
    const refused = await earthid("integrations", "update", created.id, "--test-mode", "off");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--test-mode off is refused");
    expect((await json("integrations", "update", created.id, "--test-mode", "off", "--callback", "none")).isTest).toBe(false);
    expect((await auditOf(created.id)).map((event) => event.data.changes["test-mode"])).toEqual([{ from: "off", to: "on" }, { from: "on", to: "off" }]);
  });

  it("prints what changed for a human; the same values again change nothing and audit nothing", async () => {
    const created = await json("integrations", "create", "--name", "steady");
    const first = await earthid("integrations", "update", created.id, "--name", "steadier");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("changed name: steady → steadier");
    expect(first.stdout).toMatch(/^name:\s+steadier$/m);
    const again = await earthid("integrations", "update", created.id, "--name", "steadier");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("nothing changed");
    expect(await auditOf(created.id)).toHaveLength(1);
  });

  it("frame ancestors change with the other fields in one update and one audit event; a bad origin changes nothing", async () => {
    const created = await json("integrations", "create", "--name", "embedded", "--frame-ancestors", "https://a.example");
    const updated = await json("integrations", "update", created.id, "--name", "embedded two", "--frame-ancestors", "https://B.example/, https://c.example");
    expect(updated).toMatchObject({ name: "embedded two", frameAncestors: ["https://b.example", "https://c.example"] });
    const bad = await earthid("integrations", "update", created.id, "--name", "embedded three", "--frame-ancestors", "https://ok.example,*");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('frame ancestor "*"');
    const removed = await json("integrations", "update", created.id, "--frame-ancestors", "none");
    expect(removed.frameAncestors).toEqual([]);
    expect((await auditOf(created.id)).map((event) => event.data.changes)).toEqual([
      { name: { from: "embedded", to: "embedded two" }, "frame-ancestors": { from: "https://a.example", to: "https://b.example https://c.example" } },
      { "frame-ancestors": { from: "https://b.example https://c.example", to: null } },
    ]);
  });

  describe("mistakes: refused with the rules of create, nothing changed", () => {
    it("a plain-http callback for a live integration: exit 2, naming --callback", async () => {
      const created = await json("integrations", "create", "--name", "live", "--callback", "https://shop.example/thanks");
      const result = await earthid("integrations", "update", created.id, "--callback", "http://shop.example/thanks");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--callback "http://shop.example/thanks" is refused: http is accepted only for localhost and test integrations');
      const listed = (await json("integrations", "list")) as { id: string; callbackUrl: string }[];
      expect(listed.find((i) => i.id === created.id)?.callbackUrl).toBe("https://shop.example/thanks");
      expect(await auditOf(created.id)).toEqual([]);
    });

    it("a webhook that is not a URL, an empty name, no change at all: exit 2, saying so", async () => {
      const created = await json("integrations", "create", "--name", "careful");
      const notUrl = await earthid("integrations", "update", created.id, "--event-webhook", "shop.example/hooks");
      expect(notUrl.code).toBe(2);
      expect(notUrl.stderr).toContain("event-webhook must be an absolute URL");
      const empty = await earthid("integrations", "update", created.id, "--name", "  ");
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain("name must not be empty");
      const nothing = await earthid("integrations", "update", created.id);
      expect(nothing.code).toBe(2);
      expect(nothing.stderr).toContain("needs at least one of --name, --callback, --decision-webhook, --event-webhook, --frame-ancestors");
    });

    it("an unknown id: exit 1, saying so; no id: exit 2", async () => {
      const id = crypto.randomUUID();
      const unknown = await earthid("integrations", "update", id, "--name", "ghost");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain(`no integration with id ${id}`);
      expect((await earthid("integrations", "update", "--name", "ghost")).code).toBe(2);
    });

    it("a deactivated integration's key stays refused after an update", async () => {
      const created = await json("integrations", "create", "--name", "gone");
      await json("integrations", "deactivate", created.id);
      await json("integrations", "update", created.id, "--name", "still gone");
      expectFail(await apiClient(server.url, created.apiKey, created.sharedSecret).createSession({}), 401, "1804", "not active");
    });
  });
});
