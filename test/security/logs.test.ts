import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, runCli, spawnServer } from "../support/built-cli.js";
import { apiClient, sign } from "../support/client.js";
import { testEnvironment } from "../support/server.js";

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { method: string; url: string; remoteAddress: string };
  res?: { statusCode: number };
}

/**
 * "Secrets never logged": the real server at its default log level (info, one access line per
 * request) is sent every credential an integrator has, in every header a client might put one, on
 * requests that succeed and requests that fail. Its whole output is then searched for each of them.
 */
describe("the access log", { timeout: 120_000 }, () => {
  let environment: Awaited<ReturnType<typeof testEnvironment>>;
  let server: ChildServer;
  let integration: { apiKey: string; sharedSecret: string };

  beforeAll(async () => {
    environment = await testEnvironment();
    const env = { ...environment.env, LOG_LEVEL: "info" };
    const created = await runCli(["integrations", "create", "--name", "logged", "--callback", "https://shop.example/back", "--json"], env);
    expect(created.code, created.stderr).toBe(0);
    integration = JSON.parse(created.stdout) as { apiKey: string; sharedSecret: string };
    server = await spawnServer(env);
  });
  afterAll(async () => {
    await server?.stop();
    await environment.cleanup();
  });

  it("holds a line per request, and none of the keys, secrets, signatures or tokens it was sent", async () => {
    const api = apiClient(server.url, integration.apiKey, integration.sharedSecret);
    const bearer = "Bearer 3f9d0c8e-bearer-never-logged";
    const cookie = "sid=cookie-value-never-logged";
    const extra = { authorization: bearer, cookie };

    const body = JSON.stringify({ verification: { vendorData: "logged-user" } });
    const bodySignature = sign(integration.sharedSecret, body);
    const created = await api.request("POST", "/v1/sessions", { body, signOver: "body", headers: extra });
    expect(created.status).toBe(201);
    const { id, sessionToken, url } = created.body.verification as { id: string; sessionToken: string; url: string };
    const responseSignature = created.headers.get("x-hmac-signature")!;

    const read = await api.getSession(id, { headers: extra });
    expect(read.status).toBe(200);
    const wrongSignature = "ab".repeat(32);
    expect((await api.getSession(id, { stamp: undefined, headers: { "x-hmac-signature": wrongSignature } })).status).toBe(401);
    expect((await api.request("POST", "/v1/sessions", { body: "{broken", signOver: false })).status).toBe(400);
    // vendorData is the integrator's user id: personal data, out of the log however the name is spelt (issue 14, finding 4).
    expect((await api.request("GET", "/v1/sessions?vendorData=logged-user&limit=5", { stamp: true })).status).toBe(200);
    await api.request("GET", "/v1/sessions?vendor%44ata=logged-user", { stamp: true });
    // The address handed to the end user carries the session token in its path.
    const hosted = await fetch(`${server.url}${new URL(url).pathname}`);
    await hosted.arrayBuffer();

    const secrets = [integration.apiKey, integration.sharedSecret, bodySignature, responseSignature, sign(integration.sharedSecret, id), wrongSignature, sessionToken, bearer, cookie, "logged-user"];
    // A line is written once its response has finished: the last may reach the pipe a moment later.
    const seen = () => accessLines().map((line) => `${line.req!.method} ${line.req!.url} ${line.res!.statusCode}`);
    await expect.poll(seen, { timeout: 5_000 }).toEqual(
      expect.arrayContaining([
        "POST /v1/sessions 201",
        `GET /earthid/api/sessions/${id} 200`,
        `GET /earthid/api/sessions/${id} 401`,
        "POST /v1/sessions 400",
        "GET /v1/sessions?vendorData=[redacted]&limit=5 200",
        `GET /v/[token] ${hosted.status}`,
      ]),
    );

    const output = server.stdout() + server.stderr();
    for (const secret of secrets) expect(output, `the log holds ${secret}`).not.toContain(secret);
    for (const part of sessionToken.split(".").slice(1)) expect(output).not.toContain(part);
  });

  it("names the client a proxy on this machine forwarded for, and believes no other peer", async () => {
    const forwarded = { "x-forwarded-for": "203.0.113.9" };
    const clientOf = async (child: ChildServer, probe: string) => {
      expect((await fetch(`${child.url}/health?probe=${probe}`, { headers: forwarded })).status).toBe(200);
      await expect.poll(() => accessLines(child).find((line) => line.req!.url === `/health?probe=${probe}`), { timeout: 5_000 }).toBeDefined();
      return accessLines(child).find((line) => line.req!.url === `/health?probe=${probe}`)!.req!.remoteAddress;
    };
    // The default: a proxy on loopback (this test's client) is believed.
    expect(await clientOf(server, "default")).toBe("203.0.113.9");

    const strict = await spawnServer({ ...environment.env, LOG_LEVEL: "info", EARTHID_TRUST_PROXY: "10.9.9.9" });
    try {
      expect(await clientOf(strict, "strict")).toBe("127.0.0.1");
    } finally {
      await strict.stop();
    }
  });

  function accessLines(child: ChildServer = server): LogLine[] {
    return child
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.msg === "request completed" && line.req && line.res);
  }
});
