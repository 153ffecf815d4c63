import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtCli, runCli } from "../support/built-cli.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { createSession, deliveryBody, lifecycle, storedSession, submitAndDecide } from "./helpers.js";

describe("earthid sessions decide|show: the operator's hand on the lifecycle", () => {
  let server: TestServer;
  let live: TestIntegration;
  const earthid = (...args: string[]) => runCli(args, server.env);

  async function inReview(): Promise<string> {
    const id = await createSession(live, { person: { firstName: "Liisa", lastName: "Mets" }, vendorData: "ops-1" });
    expect((await submitAndDecide(server, live, id))).toBe("review");
    return id;
  }

  beforeAll(async () => {
    await builtCli();
    server = await startTestServer();
    live = await server.integration({ name: "live", decisionWebhookUrl: "http://127.0.0.1:9/decision" });
  }, 180_000);
  afterAll(() => server.close());

  it("approves a session in review: decision, webhook row and audit event, as the API then shows", async () => {
    const id = await inReview();
    const run = await earthid("sessions", "decide", id, "--status", "approved", "--json");
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({ sessionId: id, status: "approved", code: 9001, reasonCode: null, decidedBy: "operator" });
    expect((await live.api.getSession(id)).body.verification.status).toBe("approved");
    expect((await lifecycle(live).decision(id)).body.verification).toMatchObject({ id, status: "approved", code: 9001 });
    const stored = await storedSession(server, id);
    expect(stored.decisions.at(-1)).toMatchObject({ id: printed.id, decided_by: "operator" });
    expect(stored.audit.filter((e) => e.type === "session.decided").at(-1)!.actor).toBe("operator");
    const webhook = stored.deliveries.find((d) => d.kind === "decision" && d.code === 9001);
    expect(deliveryBody(server, webhook!).verification).toMatchObject({ id, status: "approved", vendorData: "ops-1" });
  }, 60_000);

  it("declines and requests resubmission with reason codes, in plain text", async () => {
    const declined = await inReview();
    const run = await earthid("sessions", "decide", declined, "--status", "declined", "--reason-code", "102");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`session ${declined}: declined 9102 (reason 102: Suspected document tampering)`);
    const resubmit = await inReview();
    const again = await earthid("sessions", "decide", resubmit, "--status", "resubmission_requested", "--reason-code", "204", "--json");
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "resubmission_requested", code: 9103, reasonCode: 204, reason: "Poor image quality" });
    expect((await lifecycle(live).decision(resubmit)).body.verification).toMatchObject({ reasonCode: 204 });
  }, 60_000);

  it("refuses what the lifecycle refuses (exit 1) and bad usage (exit 2), changing nothing", async () => {
    const created = await createSession(live);
    const reviewed = await inReview();
    const cases: [string[], number, RegExp][] = [
      [["sessions", "decide", crypto.randomUUID(), "--status", "approved"], 1, /Session not found/],
      [["sessions", "decide", created, "--status", "approved"], 1, /Cannot transition to "approved"/],
      [["sessions", "decide", reviewed, "--status", "declined", "--reason-code", "204"], 1, /204 is not a declined reason code/],
      [["sessions", "decide", reviewed, "--status", "review"], 2, /--status approved\|declined\|resubmission_requested/],
      [["sessions", "decide", reviewed, "--status", "accepted"], 2, /--status/],
      [["sessions", "decide", reviewed], 2, /--status/],
      [["sessions", "decide", reviewed, "--status", "declined", "--reason-code", "x1"], 2, /--reason-code must be a number/],
      [["sessions", "decide", "../../etc/passwd", "--status", "approved"], 2, /not a session id/],
      [["sessions", "decide", "--status", "approved"], 2, /needs a session id/],
      [["sessions", "frobnicate"], 2, /unknown sessions command/],
    ];
    for (const [args, code, message] of cases) {
      const run = await earthid(...args);
      expect(run.code, `${args.join(" ")}: ${run.stdout}${run.stderr}`).toBe(code);
      expect(run.stderr).toMatch(message);
    }
    expect((await live.api.getSession(created)).body.verification.status).toBe("created");
    expect((await live.api.getSession(reviewed)).body.verification.status).toBe("review");
  }, 120_000);

  it("shows a session's states, attempts, decisions and audit trail, never its person", async () => {
    const id = await inReview();
    await earthid("sessions", "decide", id, "--status", "declined", "--reason-code", "105");
    const json = await earthid("sessions", "show", id, "--json");
    expect(json.code, json.stderr).toBe(0);
    const view = JSON.parse(json.stdout);
    expect(view).toMatchObject({ id, integrationId: live.id, status: "declined", vendorData: "ops-1", deletedAt: null, erasedAt: null });
    expect(view.attempts).toHaveLength(1);
    expect(view.decisions.map((d: { status: string; decidedBy: string }) => [d.status, d.decidedBy])).toEqual([["review", "system"], ["declined", "operator"]]);
    expect(view.audit.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(["session.started", "session.submitted", "session.decided"]));
    const text = await earthid("sessions", "show", id);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("declined 9102 reason 105 by operator");
    for (const output of [json.stdout, text.stdout]) expect(output).not.toMatch(/Liisa|Mets/);

    // A deleted session is still there for the operator, as a tombstone.
    const gone = await createSession(live);
    expect((await lifecycle(live).remove(gone)).status).toBe(200);
    const tombstone = JSON.parse((await earthid("sessions", "show", gone, "--json")).stdout);
    expect(tombstone).toMatchObject({ id: gone, status: "expired", deletedAt: expect.any(String), erasedAt: expect.any(String) });
    const missing = await earthid("sessions", "show", crypto.randomUUID());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Session not found");
  }, 60_000);
});
