import { once } from "node:events";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, runCli, spawnServer } from "../support/built-cli.js";
import { apiClient } from "../support/client.js";
import { storeKind, testEnvironment } from "../support/server.js";
import { SUBMIT } from "../lifecycle/helpers.js";

/** A webhook receiver that holds every request until the test lets it answer 200. */
async function holdingReceiver() {
  let arrived!: () => void;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const paths: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      paths.push(req.url ?? "");
      arrived();
      void released.then(() => res.writeHead(200).end("ok"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths, arrival, release, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A session creation that waits, headers sent, for the test to send its body. `Expect: 100-continue`
 * makes the server say when it has the request (Node answers 100 as it hands the request to the app).
 */
function slowCreate(url: string, apiKey: string) {
  const body = JSON.stringify({ verification: { vendorData: "sent-slowly" } });
  const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-auth-client": apiKey, expect: "100-continue" };
  const req = httpRequest(`${url}/earthid/api/sessions`, { method: "POST", headers });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
  });
  req.flushHeaders();
  return { answer, received: new Promise<void>((resolve) => req.once("continue", resolve)), rest: () => req.end(body) };
}

/** The first line of the child's JSON log that `predicate` accepts, waiting for more output as it comes. */
async function logLine(server: ChildServer, predicate: (line: Record<string, any>) => boolean, what: string): Promise<Record<string, any>> {
  const signal = AbortSignal.timeout(20_000);
  let exited = false;
  for (;;) {
    const found = server
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, any>)
      .find(predicate);
    if (found) return found;
    if (exited || signal.aborted) throw new Error(`no log line ${what}:\n${server.stdout()}`);
    exited = await Promise.race([once(server.process.stdout!, "data", { signal }).then(() => false, () => false), server.exited.then(() => true)]);
  }
}

/**
 * SIGTERM with a request and a webhook attempt in flight: the server takes no new connection,
 * finishes both, says so in its log, and exits 0.
 */
describe(`earthid serve on SIGTERM (${storeKind})`, { timeout: 90_000 }, () => {
  let scratch: Awaited<ReturnType<typeof testEnvironment>>;
  let receiver: Awaited<ReturnType<typeof holdingReceiver>>;
  beforeAll(async () => {
    [scratch, receiver] = await Promise.all([testEnvironment(), holdingReceiver()]);
  });
  afterAll(async () => {
    await receiver?.close();
    await scratch?.cleanup();
  });

  it("finishes the request and the delivery in flight, logs what it did, and exits 0", async () => {
    const env = { ...scratch.env, LOG_LEVEL: "info", EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_POLL_MS: "50" };
    const created = await runCli(["integrations", "create", "--name", "shop", "--test", "--decision-webhook", `${receiver.url}/decision`, "--json"], env);
    expect(created.code, created.stderr).toBe(0);
    const shop = JSON.parse(created.stdout) as { apiKey: string; sharedSecret: string };
    const server = await spawnServer(env);
    try {
      const api = apiClient(server.url, shop.apiKey, shop.sharedSecret);
      // A decision webhook on its way to a receiver that holds it.
      const session = await api.createSession({ person: { firstName: "Approve" } });
      const id = session.body.verification.id as string;
      expect((await api.request("PATCH", `/earthid/api/sessions/${id}`, { body: SUBMIT })).status).toBe(200);
      await receiver.arrival;
      // A request whose body is only half there.
      const slow = slowCreate(server.url, shop.apiKey);
      await slow.received;

      server.process.kill("SIGTERM");
      const starting = await logLine(server, (line) => typeof line.msg === "string" && line.msg.startsWith("shutting down"), "saying the shutdown began");
      expect(starting.inFlight).toEqual({ requests: 1, webhookAttempts: 1 });
      // No new connection is taken.
      await expect(fetch(`${server.url}/health`)).rejects.toThrow();

      slow.rest();
      const answered = await slow.answer;
      expect(answered.status, answered.text).toBe(201);
      receiver.release();

      expect(await server.exited).toEqual({ code: 0, signal: null });
      const done = await logLine(server, (line) => line.msg === "shutdown complete", "saying the shutdown completed");
      expect(done.finished).toEqual({ requests: 1, webhookAttempts: 1 });
      expect(receiver.paths).toEqual(["/decision"]);
    } finally {
      await server.stop();
    }
  });
});
