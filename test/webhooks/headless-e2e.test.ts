import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, type Received, allSigned, signatureChecks, startReceiver, until } from "./receiver.js";

const images = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/images");
const passport = readFileSync(path.join(images, "icao-passport-td3.jpg")).toString("base64");
const face = readFileSync(path.join(images, "obama.jpg")).toString("base64");

/**
 * The headless flow, end to end over HTTP: create, upload front, back and face, PATCH
 * submitted, decision; the integrator's receiver gets every webhook and verifies all three
 * signatures on each.
 */
describe(`headless verification with webhooks on ${storeKind}`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let shop: TestIntegration;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1" });
    shop = await server.integration({ name: "headless", isTest: true, decisionWebhookUrl: `${receiver.url}/decision`, eventWebhookUrl: `${receiver.url}/events` });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  const ofSession = (id: string) => receiver.received.filter((r) => (r.json?.id ?? r.json?.verification?.id) === id);
  const codeOf = (r: Received) => (r.json.verification ? r.json.verification.code : r.json.code) as number;

  async function uploadAndSubmit(firstName: string): Promise<string> {
    const created = await shop.api.createSession({ person: { firstName, lastName: "Headless" }, document: { type: "PASSPORT", country: "EE" }, vendorData: `e2e-${firstName}` });
    expect(created.status).toBe(201);
    const id = created.body.verification.id as string;
    for (const [context, content] of [["document-front", passport], ["document-back", passport], ["face", face]] as const) {
      const uploaded = await shop.api.request("POST", `/earthid/api/sessions/${id}/media`, { body: { image: { context, content, timestamp: new Date().toISOString() } } });
      expect(uploaded.status, uploaded.text).toBe(201);
    }
    const submitted = await shop.api.request("PATCH", `/earthid/api/sessions/${id}`, { body: { verification: { status: "submitted", timestamp: new Date().toISOString() } } });
    expect(submitted.status, submitted.text).toBe(200);
    return id;
  }

  function expectSigned(requests: Received[]) {
    for (const request of requests) {
      expect(signatureChecks(shop.sharedSecret, request)).toEqual(allSigned);
      expect(request.headers["x-auth-client"]).toBe(shop.apiKey);
    }
  }

  it("approved by the test integration's rule: 7001, 7002, then 9001", async () => {
    const id = await uploadAndSubmit("Approve");
    await receiver.waitFor(() => ofSession(id).length === 3);
    const requests = ofSession(id);
    expect(requests.map(codeOf).sort()).toEqual([7001, 7002, 9001]);
    expectSigned(requests);
    const decision = requests.find((r) => codeOf(r) === 9001)!;
    expect(decision.path).toBe("/decision");
    expect(decision.json.verification).toMatchObject({ id, status: "approved", vendorData: "e2e-Approve", person: { firstName: "Approve", lastName: "Headless" } });
    const started = requests.find((r) => codeOf(r) === 7001)!;
    expect(started.json).toMatchObject({ id, action: "started", feature: "selfid", attemptId: decision.json.verification.attemptId });
  });

  it("review, then an operator's approval: 7001, 7002, 9121, then 9001", async () => {
    const id = await uploadAndSubmit("Reviewed");
    await receiver.waitFor(() => ofSession(id).length === 3);
    expect(ofSession(id).map(codeOf).sort()).toEqual([7001, 7002, 9121]);
    await server.services.lifecycle.decide({ sessionId: id, verdict: "approved", actor: { kind: "operator" } });
    await receiver.waitFor(() => ofSession(id).length === 4);
    const requests = ofSession(id);
    expectSigned(requests);
    expect(requests.at(-1)!.json.verification).toMatchObject({ id, code: 9001, status: "approved" });
    const review = requests.find((r) => codeOf(r) === 9121)!;
    expect(review.json.verification).toMatchObject({ status: "review", code: 9121 });

    // And the integrator sees the same four in its delivery list.
    const query = `sessionId=${id}`;
    await until(async () => {
      const listed = await shop.api.request("GET", `/earthid/api/webhooks/deliveries?${query}`, { stamp: true });
      return listed.body.deliveries.length === 4 && listed.body.deliveries.every((d: { status: string }) => d.status === "delivered");
    });
  });
});
