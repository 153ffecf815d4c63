import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { makeJpeg, upload } from "../media/images.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { createSession, deliveryBody, lifecycle, storedSession, waitUntil, submitAndDecide } from "./helpers.js";

describe("the expiry sweeper, end to end with a shortened period", () => {
  let server: TestServer;
  let receiver: Receiver;
  let sandbox: TestIntegration;
  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_UNFINISHED_AFTER_SECONDS: "3", EARTHID_SWEEP_INTERVAL_SECONDS: "1", EARTHID_WEBHOOK_ALLOW_PRIVATE: "1" });
    sandbox = await server.integration({ name: "sandbox", isTest: true, decisionWebhookUrl: `${receiver.url}/decision` });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("expires created sessions and abandons started and resubmission-requested ones (9104); decided ones stay", async () => {
    const created = await createSession(sandbox, { vendorData: "never-opened" });
    const started = await createSession(sandbox);
    expect((await upload(sandbox, started, await makeJpeg())).status).toBe(201);
    const resubmit = await createSession(sandbox, { person: { firstName: "Resubmit" } });
    await submitAndDecide(server, sandbox, resubmit);
    const review = await createSession(sandbox, { person: { firstName: "Someone" } });
    await submitAndDecide(server, sandbox, review);
    const approved = await createSession(sandbox, { person: { firstName: "Approve" } });
    await submitAndDecide(server, sandbox, approved);

    const status = async (id: string) => (await sandbox.api.getSession(id)).body.verification.status as string;
    await waitUntil("the sweeper to end the unfinished sessions", async () =>
      (await status(created)) === "expired" && (await status(started)) === "abandoned" && (await status(resubmit)) === "abandoned",
    );
    expect(await status(review)).toBe("review");
    expect(await status(approved)).toBe("approved");

    for (const [id, ended] of [[created, "expired"], [started, "abandoned"], [resubmit, "abandoned"]] as const) {
      const stored = await storedSession(server, id);
      const last = stored.decisions.at(-1)!;
      expect([last.status, last.code, last.decided_by]).toEqual([ended, 9104, "sweeper"]);
      // Not before the period.
      expect(last.decided_at - stored.session!.created_at).toBeGreaterThanOrEqual(3000);
      const row = stored.deliveries.find((d) => d.kind === "decision" && d.code === 9104);
      expect(row, `decision webhook row of ${id}`).toBeDefined();
      expect(deliveryBody(server, row!).verification).toMatchObject({ id, status: ended, code: 9104 });
      expect((await lifecycle(sandbox).decision(id)).body.verification).toMatchObject({ status: ended, code: 9104 });
    }
    expect((await storedSession(server, created)).decisions.at(-1)!.attempt_id).toBeNull();
    expect((await storedSession(server, started)).attempts.map((a) => a.status)).toEqual(["abandoned"]);
    const delivered = await receiver.waitFor((all) => all.filter((r) => r.json?.verification?.code === 9104).length === 3);
    expect(delivered.filter((r) => r.json?.verification?.code === 9104).map((r) => r.json.verification.id).sort()).toEqual([created, started, resubmit].sort());
    // Ended once: later sweeps leave them alone. A session created now is ended by a later sweep;
    // once it is, that sweep has passed over the three again.
    const later = await createSession(sandbox, { vendorData: "later" });
    await waitUntil("a later sweep", async () => (await status(later)) === "expired");
    for (const id of [created, started, resubmit]) expect((await storedSession(server, id)).decisions.filter((d) => d.code === 9104)).toHaveLength(1);
    expect((await storedSession(server, created)).decisions).toHaveLength(1);
  });
});
