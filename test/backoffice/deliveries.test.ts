import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { formClient, makeReviewer, sessionInReview } from "./support.js";

/**
 * The webhook deliveries page: what each delivery's last attempt got (an answer, or why there was
 * none), and a re-send that really sends again. This server keeps the default address rule, so a
 * webhook to a loopback receiver is refused before any connection.
 */
describe(`back-office webhook deliveries (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let admin: ReturnType<typeof formClient>;

  beforeAll(async () => {
    // Retries far apart: every attempt the test sees after the first is the re-send's.
    server = await startTestServer({ EARTHID_WEBHOOK_POLL_MS: "50", EARTHID_WEBHOOK_RETRY_DELAYS: "3600", EARTHID_WEBHOOK_RETRY_JITTER_PERCENT: "0" });
    receiver = await startReceiver();
    const { secret } = await makeReviewer(server, "hooks@example.com", "admin", { totp: true });
    admin = formClient(server.url);
    await admin.logIn("hooks@example.com", secret);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  /** The session's delivery once an attempt that ended after `after` is recorded (attempts count from when one starts). */
  const attemptEnded = async (id: string, after = "") =>
    vi.waitFor(async () => {
      const [delivery] = await server.services.webhooks.listDeliveries({ sessionId: id });
      if (!delivery?.lastAttemptAt || delivery.lastAttemptAt <= after) throw new Error("no attempt has ended yet");
      return delivery;
    }, { timeout: 15_000, interval: 50 });

  it("shows a refused delivery's error and attempts; re-send sends it again and is audited", async () => {
    const shop = await server.integration({ name: "private hooks", decisionWebhookUrl: receiver.url });
    const id = await sessionInReview(server, shop);
    const first = await attemptEnded(id);
    expect(first.lastError).toMatch(/^refused: 127\.0\.0\.1/);

    const page = await admin.get("/admin/deliveries");
    expect(page.status).toBe(200);
    const row = new RegExp(`<tr data-delivery="${first.id}">(.*?)</tr>`, "s").exec(page.text)![1]!;
    expect(row).toContain("9121");
    expect(row).toContain(`<td>1</td>`);
    expect(row).toContain("refused: 127.0.0.1 → 127.0.0.1 is a private, loopback or reserved address");

    const resent = await admin.post(`/admin/deliveries/${first.id}/resend`, {});
    expect(resent.location).toBe("/admin/deliveries?done=resent");
    const second = await attemptEnded(id, first.lastAttemptAt!);
    expect(second).toMatchObject({ attempts: 2, lastError: first.lastError });
    expect(receiver.received).toHaveLength(0);
    const events = await server.services.store.db.selectFrom("audit_events").selectAll().where("session_id", "=", id).where("type", "=", "webhook.resent").execute();
    expect(events.map((e) => [e.actor, JSON.parse(e.data).deliveryId])).toEqual([["reviewer", first.id]]);
    expect((await admin.get("/admin/deliveries?done=resent")).text).toContain("queued to be sent again");
  });
});
