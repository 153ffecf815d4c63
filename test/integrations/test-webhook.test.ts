import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { builtCli, runCli } from "../support/built-cli.js";
import { type Receiver, allSigned, signatureChecks, startReceiver } from "../webhooks/receiver.js";
import { refusalOf } from "../../src/cli/webhook-warnings.js";

/** The headers every real delivery carries (src/webhooks/signing.ts), which a test delivery must carry too. */
const DELIVERY_HEADERS = ["content-type", "x-auth-client", "vrf-auth-client", "x-hmac-signature", "vrf-hmac-signature", "vrf-integration-id", "x-earthid-signature", "x-earthid-delivery-id", "x-earthid-attempt"];

/**
 * What a new integrator needs when a webhook never arrives: a warning when the URL will be refused,
 * and `earthid integrations test-webhook ID` against a real receiver on loopback.
 */
describe(`webhook URL warnings and integrations test-webhook (${storeKind})`, { timeout: 120_000 }, () => {
  let server: TestServer;
  let receiver: Receiver;
  // The server and, unless told otherwise, the CLI run with EARTHID_WEBHOOK_ALLOW_PRIVATE=1: the receiver is on loopback.
  const earthid = (args: string[], env: Record<string, string> = {}) => runCli(args, { ...server.env, ...env });
  const strict = { EARTHID_WEBHOOK_ALLOW_PRIVATE: "0" };
  const create = async (args: string[], env: Record<string, string> = {}) => {
    const result = await earthid(["integrations", "create", ...args, "--json"], env);
    expect(result.code, result.stderr).toBe(0);
    return { ...result, integration: JSON.parse(result.stdout) };
  };

  beforeAll(async () => {
    [server, receiver] = await Promise.all([startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1" }), startReceiver(), builtCli()]).then(([s, r]) => [s, r] as const);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("classifies URLs as the dispatcher's address guard does", async () => {
    expect(await refusalOf("http://127.0.0.1:8080/hook", false)).toContain("127.0.0.1 is a private, loopback or reserved address");
    expect(await refusalOf("http://[::1]/hook", false)).toContain("::1");
    expect(await refusalOf("https://10.1.2.3/hook", false)).toContain("10.1.2.3");
    expect(await refusalOf("http://169.254.169.254/latest", false)).toContain("169.254.169.254");
    expect(await refusalOf("http://localhost:3000/hook", false)).toContain("localhost is a loopback name");
    expect(await refusalOf("https://93.184.215.14/hook", false)).toBeUndefined();
    expect(await refusalOf("http://127.0.0.1:8080/hook", true)).toBeUndefined();
  });

  it("create and update warn on stderr when the settings refuse a webhook URL; --json output stays clean", async () => {
    const { stderr, stdout, integration } = await create(["--name", "local", "--decision-webhook", `${receiver.url}/decision`], strict);
    expect(stderr).toContain(`warning: --decision-webhook ${receiver.url}/decision will be refused by the running settings: 127.0.0.1 is a private, loopback or reserved address`);
    expect(stderr).toContain("EARTHID_WEBHOOK_ALLOW_PRIVATE=1");
    expect(stderr).toContain(`earthid integrations test-webhook ${integration.id}`);
    expect(() => JSON.parse(stdout)).not.toThrow();

    const updated = await earthid(["integrations", "update", integration.id, "--event-webhook", "http://localhost:9/events"], strict);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stderr).toContain("warning: --event-webhook http://localhost:9/events will be refused");
    // Only the URL just given is warned about.
    expect(updated.stderr).not.toContain("--decision-webhook");
  });

  it("no warning when the settings allow private addresses, or for a public URL", async () => {
    expect((await create(["--name", "allowed", "--decision-webhook", `${receiver.url}/decision`])).stderr).toBe("");
    expect((await create(["--name", "public", "--decision-webhook", "https://93.184.215.14/hooks"], strict)).stderr).toBe("");
  });

  it("test-webhook sends a signed test event to each webhook URL, with the headers of real deliveries, and prints the answer", async () => {
    const { integration } = await create(["--name", "tested", "--decision-webhook", `${receiver.url}/decision`, "--event-webhook", `${receiver.url}/events`]);
    receiver.answerWith((request) => ({ status: 200, body: request.path === "/decision" ? "decision noted" : "event noted" }));
    const before = receiver.received.length;
    const result = await earthid(["integrations", "test-webhook", integration.id, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as any[];
    const got = receiver.received.slice(before);
    expect(got.map((r) => r.path)).toEqual(["/decision", "/events"]);
    for (const request of got) {
      expect(signatureChecks(integration.sharedSecret, request)).toEqual(allSigned);
      expect(Object.keys(request.headers)).toEqual(expect.arrayContaining(DELIVERY_HEADERS));
      expect(request.headers["vrf-integration-id"]).toBe(integration.id);
    }
    expect(got[0]!.json.verification).toMatchObject({ status: "review", code: 9121, vendorData: "earthid-test-webhook" });
    expect(got[1]!.json).toMatchObject({ code: 7001, action: "started", vendorData: "earthid-test-webhook" });
    expect(printed.map((p) => [p.kind, p.statusCode, p.body])).toEqual([
      ["decision", 200, "decision noted"],
      ["event", 200, "event noted"],
    ]);
    // What it prints it sent is what arrived.
    expect(printed[0].sent.headers["x-hmac-signature"]).toBe(got[0]!.headers["x-hmac-signature"]);
    expect(printed[0].sent.headers["x-earthid-signature"]).toBe(got[0]!.headers["x-earthid-signature"]);
    expect(printed[0].sent.body).toBe(got[0]!.body);

    const human = await earthid(["integrations", "test-webhook", integration.id, "--kind", "event"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`event webhook ${receiver.url}/events`);
    expect(human.stdout).toMatch(/answer:\s+HTTP 200 in \d+ ms/);
    expect(human.stdout).toContain('body:    "event noted"');
    expect(human.stdout).toMatch(/x-hmac-signature: [0-9a-f]{64}/);
    expect(human.stdout).not.toContain("decision webhook");
  });

  it("a receiver that fails: exit 1, its status and the start of its body printed", async () => {
    const { integration } = await create(["--name", "failing", "--decision-webhook", `${receiver.url}/broken`]);
    receiver.answerWith(() => ({ status: 500, body: `stack trace ${"x".repeat(2000)}` }));
    const result = await earthid(["integrations", "test-webhook", integration.id]);
    receiver.answerWith(() => ({ status: 200 }));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/answer:\s+HTTP 500/);
    expect(result.stdout).toContain('body:    "stack trace xxx');
    expect(result.stdout).not.toContain("x".repeat(600));
  });

  it("a URL the settings refuse: exit 1, the refusal printed, nothing sent", async () => {
    const { integration } = await create(["--name", "refused", "--decision-webhook", `${receiver.url}/never`]);
    const result = await earthid(["integrations", "test-webhook", integration.id], strict);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("no answer: refused: 127.0.0.1 → 127.0.0.1 is a private, loopback or reserved address");
    expect(receiver.received.some((r) => r.path === "/never")).toBe(false);
  });

  it("no webhook URL, or an unknown id: exit 1, saying what to do", async () => {
    const { integration } = await create(["--name", "silent"]);
    const none = await earthid(["integrations", "test-webhook", integration.id]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`has no decision or event webhook URL; set one with: earthid integrations update ${integration.id}`);
    const id = crypto.randomUUID();
    const unknown = await earthid(["integrations", "test-webhook", id]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no integration with id ${id}`);
  });
});
