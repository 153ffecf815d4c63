import { open, seal } from "../../src/crypto/sealing.js";
import { integrationRepo } from "../../src/integrations/repo.js";
import { payloadAad } from "../../src/webhooks/outbox.js";
import { type ApiResponse, type RequestOptions, apiClient } from "../support/client.js";
import type { TestIntegration, TestServer } from "../support/server.js";

export const SUBMIT = { verification: { status: "submitted" } };
export const SUBMIT_TEXT = JSON.stringify(SUBMIT);

/** The lifecycle endpoints as an integrator calls them, signed as docs/veriff-api.md §1.3 says unless told otherwise. */
export function lifecycle(shop: TestIntegration, prefix: "/earthid/api" | "/v1" = "/earthid/api") {
  const api = shop.api;
  return {
    submit: (id: string, body: unknown = SUBMIT, options: RequestOptions = {}) => api.request("PATCH", `${prefix}/sessions/${id}`, { body, ...options }),
    remove: (id: string, options: RequestOptions = {}) => api.request("DELETE", `${prefix}/sessions/${id}`, { signOver: id, ...options }),
    decision: (id: string, options: RequestOptions = {}) => api.request("GET", `${prefix}/sessions/${id}/decision`, { signOver: id, ...options }),
    person: (id: string, options: RequestOptions = {}) => api.request("GET", `${prefix}/sessions/${id}/person`, { signOver: id, ...options }),
    attempts: (id: string, options: RequestOptions = {}) => api.request("GET", `${prefix}/sessions/${id}/attempts`, { signOver: id, ...options }),
    /** GET /sessions?<query>, an extension: stamped over the request line's target exactly as sent. */
    list: (query = "", options: RequestOptions = {}) => api.request("GET", `${prefix}/sessions${query === "" ? "" : `?${query}`}`, { stamp: true, ...options }),
  };
}

export async function createSession(shop: TestIntegration, verification: Record<string, unknown> = {}): Promise<string> {
  const res = await shop.api.createSession(verification);
  if (res.status !== 201) throw new Error(`session creation failed: ${res.status} ${res.text}`);
  return res.body.verification.id as string;
}

export function expectOk(res: ApiResponse, status = 200): void {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
}

/**
 * An integration whose shared secret is the one of docs/veriff-api.md §1.3's test vectors: created through
 * the service, then its sealed secret replaced through the integrations repo, as a rotation would.
 */
export async function integrationWithSecret(server: TestServer, secret: string, options: { isTest?: boolean } = {}): Promise<TestIntegration> {
  const created = await server.services.integrations.createIntegration({ name: "vectors", isTest: options.isTest ?? false });
  const { store, masterKey } = server.services;
  const updated = await integrationRepo(store.db, store.dialect).update(created.id, { secret_sealed: seal(masterKey, secret, `integration-secret:${created.id}`) }, Date.now());
  if (!updated) throw new Error("the integration vanished");
  return { id: created.id, apiKey: created.apiKey, sharedSecret: secret, api: apiClient(server.url, created.apiKey, secret) };
}

/** Everything the store holds about one session, read straight from the tables. */
export async function storedSession(server: TestServer, sessionId: string) {
  const db = server.services.store.db;
  const [session, key, attempts, decisions, audit, deliveries, media] = await Promise.all([
    db.selectFrom("sessions").selectAll().where("id", "=", sessionId).executeTakeFirst(),
    db.selectFrom("session_keys").selectAll().where("session_id", "=", sessionId).executeTakeFirst(),
    db.selectFrom("attempts").selectAll().where("session_id", "=", sessionId).orderBy("number").execute(),
    db.selectFrom("decisions").selectAll().where("session_id", "=", sessionId).orderBy("decided_at").execute(),
    db.selectFrom("audit_events").selectAll().where("session_id", "=", sessionId).orderBy("created_at").execute(),
    db.selectFrom("webhook_deliveries").selectAll().where("session_id", "=", sessionId).orderBy("created_at").execute(),
    db.selectFrom("media").selectAll().where("session_id", "=", sessionId).execute(),
  ]);
  return { session, key, attempts, decisions, audit, deliveries, media };
}

/** The body a delivery will send, opened with the master key; null once erased. */
export function deliveryBody(server: TestServer, delivery: { id: string; payload_sealed: string | null }): any {
  if (delivery.payload_sealed === null) return null;
  return JSON.parse(open(server.services.masterKey, delivery.payload_sealed, payloadAad(delivery.id)).toString("utf8"));
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Resolves once the session's assessment job has run, so its decision is readable: PATCH answers
 * `submitted` and the decision follows (README, Jobs). Waits for the runner's event, not a timer.
 */
export const assessed = (server: TestServer, sessionId: string): Promise<void> => server.services.jobs.settled(sessionId);

/** PATCH status=submitted (which answers `submitted`), then its assessment: the session's status once decided. */
export async function submitAndDecide(server: TestServer, shop: TestIntegration, sessionId: string, prefix: "/earthid/api" | "/v1" = "/earthid/api"): Promise<string> {
  const res = await lifecycle(shop, prefix).submit(sessionId);
  if (res.status !== 200 || res.body?.verification?.status !== "submitted") throw new Error(`submit answered ${res.status}: ${res.text}`);
  await assessed(server, sessionId);
  return (await shop.api.getSession(sessionId)).body.verification.status as string;
}
