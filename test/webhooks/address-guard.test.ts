import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { forbiddenReason } from "../../src/webhooks/address-guard.js";
import { httpSender } from "../../src/webhooks/delivery.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, startReceiver } from "./receiver.js";

const request = (url: string) => ({ url, body: Buffer.from("{}"), headers: { "content-type": "application/json" } });

describe("which addresses may receive webhooks", () => {
  it.each([
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "100.100.100.200", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1",
    "::1", "::", "fe80::1", "fd00:ec2::254", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:a9fe:a9fe",
    "64:ff9b::10.0.0.1", "64:ff9b::7f00:1", "2002:c0a8:0101::1", "::127.0.0.1",
  ])("refuses %s", (address) => {
    expect(forbiddenReason(address)).toMatch(/private, loopback or reserved/);
  });

  it.each(["93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:0808:0808::1"])("allows %s", (address) => {
    expect(forbiddenReason(address)).toBeUndefined();
  });
});

describe("the sender's guard, before any connection is made", () => {
  let receiver: Receiver;
  const guarded = httpSender({ timeoutMs: 2000, allowPrivate: false });
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    guarded.close();
    await receiver.close();
  });

  it("refuses 10.0.0.1 without opening a socket", async () => {
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    try {
      const outcome = await guarded(request("http://10.0.0.1:8080/hook"));
      expect(outcome.statusCode).toBeNull();
      expect(outcome.error).toMatch(/^refused: 10\.0\.0\.1 → 10\.0\.0\.1 is a private, loopback or reserved address.*EARTHID_WEBHOOK_ALLOW_PRIVATE=1/);
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });

  it("refuses 127.0.0.1 and [::1] while a receiver listens there, and the receiver gets nothing", async () => {
    const before = receiver.received.length;
    expect((await guarded(request(`${receiver.url}/hook`))).error).toMatch(/^refused: 127\.0\.0\.1/);
    expect((await guarded(request(`http://[::1]:${receiver.port}/hook`))).error).toMatch(/^refused: ::1/);
    expect(receiver.received.length).toBe(before);
  });

  it("resolves names itself and refuses one that resolves to loopback (localhost)", async () => {
    const before = receiver.received.length;
    const outcome = await guarded(request(`http://localhost:${receiver.port}/hook`));
    expect(outcome.error).toMatch(/^refused: localhost → (127\.0\.0\.1|::1) is a private, loopback or reserved address/);
    expect(receiver.received.length).toBe(before);
  });

  it("delivers to loopback when private addresses are allowed (and the socket spy sees that connection)", async () => {
    const open = httpSender({ timeoutMs: 2000, allowPrivate: true });
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    try {
      const outcome = await open(request(`http://localhost:${receiver.port}/hook`));
      expect(outcome).toMatchObject({ statusCode: 200, error: null });
      expect(connect).toHaveBeenCalled();
    } finally {
      connect.mockRestore();
      open.close();
    }
  });
});

describe(`a refused URL in the dispatcher on ${storeKind}`, () => {
  let server: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "0", EARTHID_WEBHOOK_RETRY_DELAYS: "3600" });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("is a failed attempt with a clear error, kept pending for a retry (the configuration may change)", async () => {
    const shop = await server.integration({ isTest: true, decisionWebhookUrl: `${receiver.url}/d`, eventWebhookUrl: "http://10.0.0.1:9/events" });
    const created = await shop.api.createSession({ person: { firstName: "Approve" } });
    const sessionId = created.body.verification.id as string;
    await server.services.lifecycle.submit({ sessionId, actor: { kind: "operator" } });
    const rows = () => server.services.store.db.selectFrom("webhook_deliveries").selectAll().where("session_id", "=", sessionId).orderBy("code").execute();
    // Recorded (not only claimed: a claim counts the attempt before it is made).
    await expect.poll(async () => (await rows()).map((r) => [r.attempts, r.last_attempt_at !== null]), { timeout: 5000 }).toEqual([[1, true], [1, true], [1, true]]);
    for (const row of await rows()) {
      expect(row.status).toBe("pending");
      expect(row.claimed_until).toBeNull();
      // The configured hour, give or take the retry jitter (10%).
      expect(row.next_attempt_at - row.last_attempt_at!).toBeGreaterThanOrEqual(3_240_000);
      expect(row.next_attempt_at - row.last_attempt_at!).toBeLessThanOrEqual(3_960_000);
      expect(row.last_status_code).toBeNull();
      expect(row.last_error).toMatch(row.code === 9001 ? /^refused: 127\.0\.0\.1/ : /^refused: 10\.0\.0\.1/);
    }
    expect(receiver.received).toHaveLength(0);
  });
});
