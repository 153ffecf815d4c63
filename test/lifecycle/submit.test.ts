import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectFail, rawRequest, sign } from "../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { SUBMIT, SUBMIT_TEXT, assessed, createSession, integrationWithSecret, lifecycle, storedSession } from "./helpers.js";

const VECTOR_SECRET = "abcdef12-abcd-abcd-abcd-abcdef012345";
const VECTOR_BODY_SIGNATURE = "431804d39503a5600eb3a57c1bb6403cba06b3b243593e2619868e17eb22b277";

describe("PATCH /sessions/{id}: submitting a session", () => {
  let server: TestServer;
  let live: TestIntegration;
  let sandbox: TestIntegration;
  let rival: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer();
    live = await server.integration({ name: "live" });
    sandbox = await server.integration({ name: "sandbox", isTest: true });
    rival = await server.integration({ name: "rival" });
  });
  afterAll(() => server.close());

  describe("the happy path", () => {
    it("answers submitted as Veriff does, then puts a live integration's session in review through its job", async () => {
      const id = await createSession(live, { vendorData: "order-1" });
      const res = await lifecycle(live).submit(id);
      expect(res.status, res.text).toBe(200);
      expect(res.body.verification).toMatchObject({ id, status: "submitted", vendorData: "order-1" });
      expect(res.headers.get("x-hmac-signature")).toBe(sign(live.sharedSecret, res.text));
      await assessed(server, id);
      expect((await live.api.getSession(id)).body.verification.status).toBe("review");
      const stored = await storedSession(server, id);
      expect(stored.attempts.map((a) => a.status)).toEqual(["review"]);
      expect(stored.decisions.map((d) => [d.status, d.code, d.decided_by])).toEqual([["review", 9121, "system"]]);
      expect(stored.audit.map((e) => e.type)).toEqual(expect.arrayContaining(["session.started", "session.submitted", "session.decided"]));
    });

    it("applies the test-mode rule: firstName Approve, Decline and Resubmit force the decision", async () => {
      for (const [firstName, status, code] of [["Approve", "approved", 9001], ["Decline", "declined", 9102], ["Resubmit", "resubmission_requested", 9103], ["Anna", "review", 9121]] as const) {
        const id = await createSession(sandbox, { person: { firstName, lastName: "Tester" } });
        const res = await lifecycle(sandbox).submit(id);
        expect(res.status, res.text).toBe(200);
        expect(res.body.verification.status).toBe("submitted");
        await assessed(server, id);
        const decision = await lifecycle(sandbox).decision(id);
        expect(decision.body.verification).toMatchObject({ id, status, code });
        const stored = await storedSession(server, id);
        expect(stored.decisions.at(-1)?.decided_by).toBe(status === "review" ? "system" : "test-mode");
      }
    });

    it("is not fooled by the forcing names on a live integration", async () => {
      const id = await createSession(live, { person: { firstName: "Approve" } });
      expect((await lifecycle(live).submit(id)).body.verification.status).toBe("submitted");
      await assessed(server, id);
      expect((await lifecycle(live).decision(id)).body.verification.status).toBe("review");
    });

    it("submits a started session, keeping the attempt the first upload opened", async () => {
      const id = await createSession(live);
      await server.services.lifecycle.inLockedSession({ sessionId: id, actor: { kind: "endUser", sessionId: id } }, server.services.lifecycle.openAttempt);
      const res = await lifecycle(live).submit(id);
      expect(res.body.verification.status).toBe("submitted");
      expect((await storedSession(server, id)).attempts).toHaveLength(1);
    });

    it("ignores Veriff's legacy extras (frontState, timestamp) and answers the same under /v1", async () => {
      const id = await createSession(live);
      const res = await lifecycle(live, "/v1").submit(id, { verification: { status: "submitted", frontState: "done", timestamp: new Date().toISOString() } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.verification.status).toBe("submitted");
    });

    it("accepts the signature in upper-case hex and a session id in capitals", async () => {
      const id = await createSession(live);
      const res = await lifecycle(live).submit(id.toUpperCase(), SUBMIT, { signOver: false, headers: { "x-hmac-signature": sign(live.sharedSecret, SUBMIT_TEXT).toUpperCase() } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.verification.id).toBe(id);
    });

    it("checks docs/veriff-api.md §1.3's body test vector on our own verification path", async () => {
      const vectors = await integrationWithSecret(server, VECTOR_SECRET);
      expect(sign(VECTOR_SECRET, SUBMIT_TEXT)).toBe(VECTOR_BODY_SIGNATURE);
      const id = await createSession(vectors);
      const res = await lifecycle(vectors).submit(id, SUBMIT_TEXT, { signOver: false, headers: { "x-hmac-signature": VECTOR_BODY_SIGNATURE } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.verification.status).toBe("submitted");
      // One changed hex digit of the vector is refused.
      const other = await createSession(vectors);
      const tampered = VECTOR_BODY_SIGNATURE.replace(/.$/, "e");
      expectFail(await lifecycle(vectors).submit(other, SUBMIT_TEXT, { signOver: false, headers: { "x-hmac-signature": tampered } }), 401, "1819", "request body");
    });
  });

  describe("the errors", () => {
    it("refuses any other status with 1303, leaving the session as it was", async () => {
      const id = await createSession(live);
      for (const status of ["approved", "started", "SUBMITTED", ""]) {
        expectFail(await lifecycle(live).submit(id, { verification: { status } }), 400, "1303", "Invalid status");
      }
      expectFail(await lifecycle(live).submit(id, { verification: { status: 7002 } }), 400, "1303", "Invalid status");
      expectFail(await lifecycle(live).submit(id, { verification: { status: ["submitted"] } }), 400, "1303", "Invalid status");
      expectFail(await lifecycle(live).submit(id, { verification: { status: "x".repeat(65) } }), 400, "1303", "Invalid status");
      expect((await live.api.getSession(id)).body.verification.status).toBe("created");
      expect((await storedSession(server, id)).attempts).toHaveLength(0);
    });

    it("names a missing status or verification object (1102) and a body of the wrong type (1104)", async () => {
      const id = await createSession(live);
      expectFail(await lifecycle(live).submit(id, { verification: {} }), 400, "1102", "verification.status");
      expectFail(await lifecycle(live).submit(id, { status: "submitted" }), 400, "1102", "verification");
      expectFail(await lifecycle(live).submit(id, []), 400, "1104", "body");
      expectFail(await lifecycle(live).submit(id, "not json"), 400, "1906", "not valid JSON");
    });

    it("answers 1304 once the session is past created and started", async () => {
      const id = await createSession(live);
      await lifecycle(live).submit(id);
      expectFail(await lifecycle(live).submit(id), 400, "1304", 'Cannot transition to "submitted" status');
      const approved = await createSession(sandbox, { person: { firstName: "Approve" } });
      await lifecycle(sandbox).submit(approved);
      expectFail(await lifecycle(sandbox).submit(approved), 400, "1304", "submitted");
      expect((await storedSession(server, approved)).attempts).toHaveLength(1);
    });

    it("answers 404 for a missing session, a malformed id and a deleted one", async () => {
      expectFail(await lifecycle(live).submit(crypto.randomUUID()), 404, "1901", "Session not found");
      expectFail(await lifecycle(live).submit("not-a-session"), 404, "1901", "Session not found");
      const id = await createSession(live);
      expect((await lifecycle(live).remove(id)).status).toBe(200);
      expectFail(await lifecycle(live).submit(id), 404, "1901", "Session not found");
    });
  });

  describe("the security cases", () => {
    let id: string;
    beforeAll(async () => {
      id = await createSession(live);
    });

    it("refuses a missing, malformed or wrong signature, and one over the session id instead of the body", async () => {
      expectFail(await lifecycle(live).submit(id, SUBMIT, { signOver: false }), 401, "1812", "X-HMAC-SIGNATURE");
      expectFail(await lifecycle(live).submit(id, SUBMIT, { signOver: false, headers: { "x-hmac-signature": "zz" } }), 401, "1812", "X-HMAC-SIGNATURE");
      expectFail(await lifecycle(live).submit(id, SUBMIT, { signOver: false, headers: { "x-hmac-signature": sign(rival.sharedSecret, SUBMIT_TEXT) } }), 401, "1819", "request body");
      expectFail(await lifecycle(live).submit(id, SUBMIT, { signOver: id }), 401, "1819", "request body");
      // Signed over a re-serialisation with other whitespace: the exact bytes count.
      const spaced = JSON.stringify(SUBMIT, null, 1);
      expectFail(await lifecycle(live).submit(id, spaced, { signOver: false, headers: { "x-hmac-signature": sign(live.sharedSecret, SUBMIT_TEXT) } }), 401, "1819", "request body");
      expect((await live.api.getSession(id)).body.verification.status).toBe("created");
    });

    it("refuses a missing or unknown API key", async () => {
      expectFail(await lifecycle(live).submit(id, SUBMIT, { apiKey: null }), 401, "1801", "X-AUTH-CLIENT");
      expectFail(await lifecycle(live).submit(id, SUBMIT, { apiKey: crypto.randomUUID() }), 401, "1803", "not found");
    });

    it("answers another integration's session exactly like a missing one, and leaves it alone", async () => {
      const foreign = await lifecycle(rival).submit(id);
      const missing = await lifecycle(rival).submit(crypto.randomUUID());
      expectFail(foreign, 404, "1901", "Session not found");
      expect(foreign.body).toEqual(missing.body);
      expect((await live.api.getSession(id)).body.verification.status).toBe("created");
    });
  });

  describe("hostile input", () => {
    it("answers 413 to a body over the limit and 415 to a non-JSON type, changing nothing", async () => {
      const id = await createSession(live);
      const huge = JSON.stringify({ verification: { status: "submitted", padding: "x".repeat(2 * 1_048_576) } });
      expectFail(await lifecycle(live).submit(id, huge), 413, "1902", "larger than");
      const res = await rawRequest(server.url, {
        method: "PATCH",
        path: `/earthid/api/sessions/${id}`,
        headers: { "content-type": "text/plain", "x-auth-client": live.apiKey, "x-hmac-signature": sign(live.sharedSecret, SUBMIT_TEXT) },
        body: SUBMIT_TEXT,
      });
      expectFail(res, 415, "1903", "application/json");
      expect((await live.api.getSession(id)).body.verification.status).toBe("created");
    });

    it("answers a path-traversal id with a 4xx and touches no session", async () => {
      const before = await server.services.store.db.selectFrom("sessions").select(["id", "status", "updated_at"]).orderBy("id").execute();
      for (const path of ["/earthid/api/sessions/..%2F..%2Fetc%2Fpasswd", "/earthid/api/sessions/%2e%2e", "/earthid/api/sessions/' OR '1'='1"]) {
        const res = await rawRequest(server.url, {
          method: "PATCH",
          path: path.replace(/ /g, "%20"),
          headers: { "content-type": "application/json", "x-auth-client": live.apiKey, "x-hmac-signature": sign(live.sharedSecret, SUBMIT_TEXT) },
          body: SUBMIT_TEXT,
        });
        expect(res.status, `${path}: ${res.text}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path}: ${res.text}`).toBeLessThan(500);
      }
      const after = await server.services.store.db.selectFrom("sessions").select(["id", "status", "updated_at"]).orderBy("id").execute();
      expect(after).toEqual(before);
    });
  });
});
