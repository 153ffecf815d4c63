import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectFail } from "../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { makeJpeg, upload } from "../media/images.js";
import { createSession, lifecycle, storedSession, submitAndDecide } from "./helpers.js";

describe("resubmission: a new attempt on the same session, at most 9 times, then declined 539", () => {
  let server: TestServer;
  let sandbox: TestIntegration;
  let live: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer();
    sandbox = await server.integration({ name: "sandbox", isTest: true });
    live = await server.integration({ name: "live" });
  });
  afterAll(() => server.close());

  it("opens each new attempt with the next media upload or the next submit; the 10th resubmission request declines", async () => {
    const id = await createSession(sandbox, { person: { firstName: "Resubmit" } });
    const jpeg = await makeJpeg();
    for (let attempt = 1; attempt <= 10; attempt++) {
      if (attempt % 2 === 1) {
        // The hosted flow's way: the first upload of an attempt starts it.
        const uploaded = await upload(sandbox, id, jpeg, { context: "document-front" });
        expect(uploaded.status, uploaded.text).toBe(201);
        expect((await sandbox.api.getSession(id)).body.verification.status).toBe("started");
      }
      expect(await submitAndDecide(server, sandbox, id)).toBe(attempt < 10 ? "resubmission_requested" : "declined");
    }
    const decision = (await lifecycle(sandbox).decision(id)).body.verification;
    expect(decision).toMatchObject({ status: "declined", code: 9102, reasonCode: 539, reason: "Resubmission limit exceeded" });

    const attempts = (await lifecycle(sandbox).attempts(id)).body.verifications as { id: string; status: string }[];
    expect(attempts).toHaveLength(10);
    expect(attempts.map((a) => a.status)).toEqual([...Array(9).fill("resubmission_requested"), "declined"]);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(10);
    expect(decision.attemptId).toBe(attempts[9]!.id);

    const stored = await storedSession(server, id);
    expect(stored.attempts.map((a) => a.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(stored.decisions.map((d) => d.code)).toEqual([...Array(9).fill(9103), 9102]);
    expect(stored.media.map((m) => stored.attempts.find((a) => a.id === m.attempt_id)!.number).sort((a, b) => a - b)).toEqual([1, 3, 5, 7, 9]);
    expect(stored.audit.filter((e) => e.type === "session.started")).toHaveLength(10);

    // Final: neither another submit nor another upload.
    expectFail(await lifecycle(sandbox).submit(id), 400, "1304", "submitted");
    expect((await upload(sandbox, id, jpeg)).status).toBe(409);
  });

  it("counts reviewers' resubmission requests the same way on a live integration", async () => {
    const id = await createSession(live);
    const { lifecycle: verbs } = server.services;
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect((await submitAndDecide(server, live, id))).toBe("review");
      const decision = await verbs.decide({ sessionId: id, verdict: "resubmission_requested", reasonCode: 204, actor: { kind: "reviewer", reviewerId: "test-reviewer" } });
      if (attempt < 10) expect([decision.status, decision.reason_code]).toEqual(["resubmission_requested", 204]);
      else expect([decision.status, decision.code, decision.reason_code]).toEqual(["declined", 9102, 539]);
    }
    expect((await storedSession(server, id)).attempts).toHaveLength(10);
  });

  it("keeps the earlier attempts' decisions readable while the next one runs", async () => {
    const id = await createSession(sandbox, { person: { firstName: "Resubmit" } });
    await submitAndDecide(server, sandbox, id);
    expect((await upload(sandbox, id, await makeJpeg())).status).toBe(201);
    const decision = (await lifecycle(sandbox).decision(id)).body.verification;
    const attempts = (await lifecycle(sandbox).attempts(id)).body.verifications;
    expect(attempts.map((a: { status: string }) => a.status)).toEqual(["resubmission_requested", "started"]);
    expect(decision).toMatchObject({ status: "resubmission_requested", code: 9103, attemptId: attempts[0].id });
  });
});
