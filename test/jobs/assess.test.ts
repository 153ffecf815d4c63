import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR } from "../../src/audit/events.js";
import { ASSESS_JOB } from "../../src/verification/transitions.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { createSession, lifecycle, storedSession } from "../lifecycle/helpers.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { assessJobOf, runJobOnce } from "./support.js";

describe(`submit writes a verification.assess job; the decision arrives afterwards, on ${storeKind}`, () => {
  let server: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_POLL_MS: "50" });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  const decisionAt = (path: string, sessionId: string) =>
    receiver.waitFor((received) => received.some((r) => r.path === path && r.json?.verification?.id === sessionId), 15_000).then((received) => received.find((r) => r.path === path && r.json?.verification?.id === sessionId)!.json);

  it("answers submitted, then a test integration's forced verdict comes by webhook, applied by the job as test-mode", async () => {
    const sandbox = await server.integration({ name: "sandbox", isTest: true, decisionWebhookUrl: `${receiver.url}/sandbox` });
    const id = await createSession(sandbox, { person: { firstName: "Approve", lastName: "Tester" } });
    const res = await lifecycle(sandbox).submit(id);
    expect(res.status, res.text).toBe(200);
    expect(res.body.verification.status).toBe("submitted");
    const webhook = await decisionAt("/sandbox", id);
    expect(webhook.verification).toMatchObject({ id, status: "approved", code: 9001 });
    expect((await lifecycle(sandbox).decision(id)).body.verification).toMatchObject({ status: "approved", code: 9001 });
    const stored = await storedSession(server, id);
    expect(stored.decisions.map((d) => d.decided_by)).toEqual(["test-mode"]);
    const jobs = await server.services.jobs.list({ kind: ASSESS_JOB, limit: 100 });
    const job = jobs.find((j) => j.subject === id)!;
    expect(job).toMatchObject({ status: "done", attempts: 1 });
    expect(JSON.parse(job.payload)).toEqual({ sessionId: id, attemptId: stored.attempts[0]!.id });
  });

  it("puts a live integration's submission in review (9121) through the job, by webhook", async () => {
    const live = await server.integration({ name: "live", decisionWebhookUrl: `${receiver.url}/live` });
    const id = await createSession(live, { person: { firstName: "Approve" } });
    expect((await lifecycle(live, "/v1").submit(id)).body.verification.status).toBe("submitted");
    expect((await decisionAt("/live", id)).verification).toMatchObject({ status: "review", code: 9121 });
    expect((await storedSession(server, id)).decisions.map((d) => d.decided_by)).toEqual(["system"]);
  });
});

describe(`an assessment job that comes late, or keeps failing, on ${storeKind}`, () => {
  let server: TestServer;
  let failures = 0;
  beforeAll(async () => {
    // This instance claims no assessment (EARTHID_ENGINE_WORKERS=0): the test runs them when it wants.
    server = await startTestServer({ EARTHID_ENGINE_WORKERS: "0" }, {
      assessment: (verdicts) => ({
        async assess(job) {
          if (job.payload.sessionId.endsWith(failing)) {
            failures++;
            throw new Error("the engine's worker crashed");
          }
          await verdicts.decideSubmitted({ ...job.payload, verdict: "review", actor: { kind: "system" } });
        },
      }),
    });
  });
  afterAll(() => server.close());
  let failing = "none";

  const runOnce = (jobId: string) => runJobOnce(server.services, jobId);
  const jobOf = (sessionId: string) => assessJobOf(server.services, sessionId);

  it("is skipped when a person decided the attempt first: one decision, the job done", async () => {
    const shop = await server.integration({ name: "shop" });
    const id = await createSession(shop);
    expect((await lifecycle(shop).submit(id)).body.verification.status).toBe("submitted");
    const job = await jobOf(id);
    expect(job.status).toBe("pending");
    await server.services.lifecycle.decide({ sessionId: id, verdict: "approved", actor: OPERATOR });
    expect(await runOnce(job.id)).toBe("done");
    const stored = await storedSession(server, id);
    expect(stored.decisions.map((d) => [d.status, d.decided_by])).toEqual([["approved", "operator"]]);
    expect(stored.session?.status).toBe("approved");
  });

  it("after the third failure puts the attempt in review, the error in the decision's audit event", async () => {
    const shop = await server.integration({ name: "crashing" });
    const id = await createSession(shop);
    failing = id.slice(-12);
    await lifecycle(shop).submit(id);
    const job = await jobOf(id);
    expect(await runOnce(job.id)).toBe("pending");
    expect(await runOnce(job.id)).toBe("pending");
    expect((await storedSession(server, id)).session?.status).toBe("submitted");
    expect(await runOnce(job.id)).toBe("failed");
    expect(failures).toBe(3);
    const stored = await storedSession(server, id);
    expect(stored.session?.status).toBe("review");
    expect(stored.decisions.map((d) => [d.status, d.code, d.decided_by])).toEqual([["review", 9121, "system"]]);
    const decided = stored.audit.find((e) => e.type === "session.decided")!;
    expect(JSON.parse(decided.data)).toMatchObject({ status: "review", error: "the engine's worker crashed" });
    expect(await server.services.jobStore.find(job.id)).toMatchObject({ status: "failed", attempts: 3, last_error: "the engine's worker crashed" });
  });
});
