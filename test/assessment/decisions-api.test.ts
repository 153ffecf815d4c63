import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineWorkers } from "../../src/assessment/engine.js";
import { DEFAULT_POLICY } from "../../src/engine/policy/policy.js";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Scenario, buildScenario, todayUtc } from "../support/synth/index.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { mrzSurname } from "./support.js";

/**
 * A whole verification through the API, as an integrator lives it: a session, a passport photo and
 * a selfie uploaded, PATCH submitted (answered `submitted`), then the engine's decision arrives at
 * the integrator's webhook receiver and through the decision API, with what was read.
 */
describe(`the engine decides a verification made through the API (${storeKind})`, { timeout: 300_000 }, () => {
  let server: TestServer;
  let receiver: Receiver;
  let approve: Scenario;
  let mismatch: Scenario;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_POLL_MS: "100", EARTHID_ENGINE_WORKERS: "1" }, { engine: engineWorkers(1), assessment: undefined });
    [approve, mismatch] = await Promise.all([
      // A seed whose passport the engine reads, and whose mismatch falls in the default review band (0.53).
      buildScenario("approve", { seed: "engine", asOf: todayUtc() }),
      buildScenario("face_mismatch", { seed: "engine", asOf: todayUtc() }),
      server.services.engine.start(),
    ]);
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  /** Creates the session, uploads the images, submits; resolves with the decision webhook's body. */
  async function verify(shop: TestIntegration, scenario: Scenario): Promise<{ id: string; webhook: any }> {
    const created = await shop.api.createSession({ ...scenario.sessionRequest, vendorData: scenario.name });
    expect(created.status, created.text).toBe(201);
    const id = created.body.verification.id as string;
    for (const [context, bytes] of [["document-front", scenario.documentFront], ["face", scenario.selfie]] as const) {
      const uploaded = await shop.api.request("POST", `/earthid/api/sessions/${id}/media`, { body: { image: { context, content: bytes.toString("base64") } } });
      expect(uploaded.status, uploaded.text).toBe(201);
    }
    const submitted = await shop.api.request("PATCH", `/earthid/api/sessions/${id}`, { body: { verification: { status: "submitted" } } });
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body.verification.status).toBe("submitted");
    const isDecision = (r: { json: any }) => r.json?.verification?.id === id && r.json.verification.code !== 7002;
    const [webhook] = (await receiver.waitFor((all) => all.some(isDecision), 240_000)).filter(isDecision);
    return { id, webhook: webhook!.json };
  }

  it("approves a specimen passport and a selfie of its holder, with the fields read, at the webhook and the decision API", async () => {
    const shop = await server.integration({ decisionWebhookUrl: `${receiver.url}/decisions` });
    const { id, webhook } = await verify(shop, approve);
    const { truth } = approve;
    expect(webhook.verification).toMatchObject({ status: "approved", code: 9001, reasonCode: null, vendorData: "approve" });
    expect(webhook.verification.person).toMatchObject({ lastName: mrzSurname(approve), dateOfBirth: truth.person.dateOfBirth, gender: truth.person.gender, nationality: truth.person.nationality });
    expect(webhook.verification.document).toEqual(expect.objectContaining({ number: truth.document.number, type: "PASSPORT", country: truth.document.country, validUntil: truth.document.validUntil }));
    expect(webhook.verification.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: "face.similarity", outcome: "pass", threshold: DEFAULT_POLICY.face.threshold })]));

    const decision = await shop.api.request("GET", `/earthid/api/sessions/${id}/decision`, { signOver: id });
    expect(decision.status).toBe(200);
    expect(decision.body.verification).toEqual(webhook.verification);
    const person = await shop.api.request("GET", `/earthid/api/sessions/${id}/person`, { signOver: id });
    expect(person.body.person).toMatchObject({ lastName: mrzSurname(approve), dateOfBirth: truth.person.dateOfBirth });
  });

  it("declines a selfie of another person (103) under a policy with no review band", async () => {
    const shop = await server.integration({ decisionWebhookUrl: `${receiver.url}/decisions` });
    await server.services.policies.change(shop.id, { reviewFrom: DEFAULT_POLICY.face.threshold });
    const { webhook } = await verify(shop, mismatch);
    expect(webhook.verification).toMatchObject({ status: "declined", code: 9102, reasonCode: 103, reason: "Person showing the document does not appear to match document photo" });
    const similarity = webhook.verification.checks.find((c: { name: string }) => c.name === "face.similarity");
    expect(similarity).toMatchObject({ outcome: "fail", threshold: DEFAULT_POLICY.face.threshold });
    expect(similarity.score).toBeLessThan(DEFAULT_POLICY.face.threshold);
  });
});
