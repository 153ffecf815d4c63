import { vendorDataCodec } from "../../src/sessions/vendor-data.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { seal } from "../../src/crypto/sealing.js";
import { sessionRepo } from "../../src/sessions/repo.js";
import { sessionKeyAad } from "../../src/sessions/init-data.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { expectFail, sign } from "../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { createSession, integrationWithSecret, lifecycle, storedSession, submitAndDecide } from "./helpers.js";

const VECTOR_SECRET = "abcdef12-abcd-abcd-abcd-abcdef012345";
const VECTOR_ID = "aea9ba6d-1b47-47fc-a4fc-f72b6d3b3cb2";
const VECTOR_ID_SIGNATURE = "fc524b8e44d4c8f45c89d0504e7df8c942d3fe442ed698b0c5fb461db4641c2f";

const person = { firstName: "Approve", lastName: "Tamm", idNumber: "38001085718", dateOfBirth: "1980-01-08", gender: "M" };
const document = { type: "PASSPORT", country: "ee", number: "K0123456" };

describe("GET /sessions/{id}/decision, /person, /attempts", () => {
  let server: TestServer;
  let sandbox: TestIntegration;
  let rival: TestIntegration;
  let approved: string;
  let fresh: string;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1" });
    sandbox = await server.integration({ name: "sandbox", isTest: true, decisionWebhookUrl: `${receiver.url}/decision` });
    rival = await server.integration({ name: "rival" });
    approved = await createSession(sandbox, { person, document, vendorData: "customer-7", endUserId: "c6a0c2d9-7bb5-4e5f-9f1e-1d5b3e0c7a11" });
    expect((await submitAndDecide(server, sandbox, approved))).toBe("approved");
    fresh = await createSession(sandbox, { person: { firstName: "Mari" } });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  describe("decision", () => {
    it("answers verification null until there is a decision", async () => {
      const res = await lifecycle(sandbox).decision(fresh);
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"status":"success","verification":null}');
      expect(res.headers.get("x-hmac-signature")).toBe(sign(sandbox.sharedSecret, res.text));
    });

    it("answers the decision webhook's body, byte for byte, once decided", async () => {
      const res = await lifecycle(sandbox).decision(approved);
      expect(res.status).toBe(200);
      const [webhook] = await receiver.waitFor((all) => all.some((r) => r.json?.verification?.id === approved));
      expect(res.text).toBe(webhook!.body);
      const stored = await storedSession(server, approved);
      const v = res.body.verification;
      expect(v).toMatchObject({
        id: approved,
        attemptId: stored.attempts[0]!.id,
        status: "approved",
        code: 9001,
        vendorData: "customer-7",
        endUserId: "c6a0c2d9-7bb5-4e5f-9f1e-1d5b3e0c7a11",
        reasonCode: null,
        acceptanceTime: new Date(stored.session!.created_at).toISOString(),
        decisionTime: new Date(stored.decisions[0]!.decided_at).toISOString(),
      });
      expect(v.person).toMatchObject({ firstName: "Approve", lastName: "Tamm", idNumber: "38001085718", dateOfBirth: "1980-01-08", gender: "M" });
      expect(v.document).toMatchObject({ type: "PASSPORT", country: "EE", number: "K0123456" });
      expect(res.body.technicalData).toEqual({ ip: null });
    });

    it("follows the latest decision: review, then the operator's", async () => {
      const id = await createSession(sandbox, { person: { firstName: "Someone" } });
      await submitAndDecide(server, sandbox, id);
      expect((await lifecycle(sandbox).decision(id)).body.verification).toMatchObject({ status: "review", code: 9121 });
      await server.services.lifecycle.decide({ sessionId: id, verdict: "declined", reasonCode: 102, actor: { kind: "operator" } });
      expect((await lifecycle(sandbox).decision(id)).body.verification).toMatchObject({ status: "declined", code: 9102, reasonCode: 102, reason: "Suspected document tampering" });
    });
  });

  describe("person", () => {
    it("answers what the integrator sent, with no PEP or sanctions matches", async () => {
      const res = await lifecycle(sandbox).person(approved);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: "success",
        person: {
          id: approved,
          firstName: "Approve",
          lastName: "Tamm",
          idCode: "38001085718",
          idNumber: "38001085718",
          dateOfBirth: "1980-01-08",
          gender: "M",
          nationality: null,
          placeOfBirth: null,
          citizenships: [],
          pepSanctionMatches: [],
        },
      });
      expect(res.headers.get("x-hmac-signature")).toBe(sign(sandbox.sharedSecret, res.text));
    });

    it("answers nulls for a session created without person data", async () => {
      const id = await createSession(sandbox);
      const res = await lifecycle(sandbox, "/v1").person(id);
      expect(res.body.person).toMatchObject({ id, firstName: null, lastName: null, idCode: null, pepSanctionMatches: [] });
    });
  });

  describe("attempts", () => {
    it("lists none before the session starts, then each attempt oldest first", async () => {
      const id = await createSession(sandbox, { person: { firstName: "Resubmit" } });
      expect((await lifecycle(sandbox).attempts(id)).body).toEqual({ status: "success", verifications: [] });
      await submitAndDecide(server, sandbox, id);
      await submitAndDecide(server, sandbox, id);
      const res = await lifecycle(sandbox).attempts(id);
      expect(res.status).toBe(200);
      const stored = await storedSession(server, id);
      expect(res.body).toEqual({
        status: "success",
        verifications: stored.attempts.map((a) => ({ id: a.id, status: "resubmission_requested", createdTime: new Date(a.created_at).toISOString() })),
      });
      expect(res.body.verifications).toHaveLength(2);
    });
  });

  describe("errors and security, the same for all three", () => {
    const reads = ["decision", "person", "attempts"] as const;

    it("answers 404 for a missing session, a malformed id and a deleted one", async () => {
      const deleted = await createSession(sandbox);
      expect((await lifecycle(sandbox).remove(deleted)).status).toBe(200);
      for (const read of reads) {
        expectFail(await lifecycle(sandbox)[read](crypto.randomUUID()), 404, "1901", "Session not found");
        expectFail(await lifecycle(sandbox)[read]("x".repeat(40)), 404, "1901", "Session not found");
        expectFail(await lifecycle(sandbox)[read](deleted), 404, "1901", "Session not found");
      }
    });

    it("answers another integration's session exactly like a missing one", async () => {
      for (const read of reads) {
        const foreign = await lifecycle(rival)[read](approved);
        const missing = await lifecycle(rival)[read](crypto.randomUUID());
        expectFail(foreign, 404, "1901", "Session not found");
        expect(foreign.body).toEqual(missing.body);
      }
    });

    it("refuses a missing signature, a wrong one, and one over the wrong string", async () => {
      for (const read of reads) {
        expectFail(await lifecycle(sandbox)[read](approved, { signOver: false }), 401, "1812", "X-HMAC-SIGNATURE");
        expectFail(await lifecycle(sandbox)[read](approved, { signOver: fresh }), 401, "1818", "session id");
        expectFail(await lifecycle(sandbox)[read](approved, { signOver: `/sessions/${approved}/${read}` }), 401, "1818", "session id");
        expectFail(await lifecycle(sandbox)[read](approved, { signOver: false, headers: { "x-hmac-signature": sign(rival.sharedSecret, approved) } }), 401, "1818", "session id");
      }
    });

    it("accepts the signature in upper-case hex", async () => {
      for (const read of reads) {
        const res = await lifecycle(sandbox)[read](approved, { signOver: false, headers: { "x-hmac-signature": sign(sandbox.sharedSecret, approved).toUpperCase() } });
        expect(res.status, res.text).toBe(200);
      }
    });

    it("checks docs/veriff-api.md §1.3's id test vector on our own verification path", async () => {
      const vectors = await integrationWithSecret(server, VECTOR_SECRET, { isTest: true });
      expect(sign(VECTOR_SECRET, VECTOR_ID)).toBe(VECTOR_ID_SIGNATURE);
      // The vector's session id, stored through the sessions repo like any created session.
      const template = await storedSession(server, await createSession(vectors, { person: { firstName: "Approve" } }));
      const key = seal(server.services.masterKey, randomBytes(32), sessionKeyAad(VECTOR_ID));
      await sessionRepo(server.services.store.db, server.services.store.dialect, vendorDataCodec(server.services.masterKey)).insert({ session: { ...template.session!, id: VECTOR_ID, init_data_sealed: null }, key: { session_id: VECTOR_ID, key_sealed: key } });
      const headers = { "x-hmac-signature": VECTOR_ID_SIGNATURE };
      for (const read of reads) {
        const res = await lifecycle(vectors)[read](VECTOR_ID, { signOver: false, headers });
        expect(res.status, res.text).toBe(200);
      }
      const tampered = { "x-hmac-signature": VECTOR_ID_SIGNATURE.replace(/^./, "0") };
      expectFail(await lifecycle(vectors).decision(VECTOR_ID, { signOver: false, headers: tampered }), 401, "1818", "session id");
      const deleted = await lifecycle(vectors).remove(VECTOR_ID, { signOver: false, headers });
      expect(deleted.status, deleted.text).toBe(200);
      expect(deleted.body).toEqual({ status: "success", verification: { id: VECTOR_ID } });
    });
  });
});
