import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../../support/server.js";
import { lifecycle } from "../../lifecycle/helpers.js";

/**
 * Issue 14, finding 4: vendorData was stored in clear and survived DELETE. Now the table holds a keyed
 * hash (for the filter) and the value sealed under the session's data key; DELETE removes both.
 */
describe(`vendorData at rest (${storeKind})`, () => {
  let server: TestServer;
  let shop: TestIntegration;
  const VALUE = "customer-4711@shop.example";
  const row = (id: string) => server.services.store.db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "shop", isTest: true });
  });
  afterAll(() => server.close());

  it("is never in the table in clear, yet the API answers it and the filter finds it", async () => {
    const created = await shop.api.createSession({ vendorData: VALUE });
    expect(created.body.verification.vendorData).toBe(VALUE);
    const id = created.body.verification.id as string;
    const stored = await row(id);
    expect(JSON.stringify(stored)).not.toContain(VALUE);
    expect(stored.vendor_data).toBeNull();
    expect(stored.vendor_data_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.vendor_data_sealed).not.toBeNull();
    expect((await shop.api.getSession(id)).body.verification.vendorData).toBe(VALUE);
    const listed = await lifecycle(shop).list(`vendorData=${encodeURIComponent(VALUE)}`);
    expect(listed.body.verifications.map((s: { id: string; vendorData: string }) => [s.id, s.vendorData])).toEqual([[id, VALUE]]);
    expect((await lifecycle(shop).list("vendorData=customer-4711")).body.verifications).toEqual([]);
  });

  it("is erased by DELETE: neither the value nor its hash stays, and the filter no longer finds the session", async () => {
    const id = (await shop.api.createSession({ vendorData: `${VALUE}-gone` })).body.verification.id as string;
    expect((await lifecycle(shop).remove(id)).status).toBe(200);
    const stored = await row(id);
    expect(stored.vendor_data_sealed).toBeNull();
    expect(stored.vendor_data_hash).toBeNull();
    expect(JSON.stringify(stored)).not.toContain("gone");
    expect((await lifecycle(shop).list(`vendorData=${encodeURIComponent(`${VALUE}-gone`)}`)).body.verifications).toEqual([]);
  });

  it("rows written in clear before migration 0009 are sealed and hashed by the backfill; an erased one's value is dropped", async () => {
    const live = (await shop.api.createSession({})).body.verification.id as string;
    const erased = (await shop.api.createSession({})).body.verification.id as string;
    expect((await lifecycle(shop).remove(erased)).status).toBe(200);
    const db = server.services.store.db;
    // As a version before 0009 left them.
    for (const [id, value] of [[live, "old-live"], [erased, "old-erased"]] as const) {
      await db.updateTable("sessions").set({ vendor_data: value, vendor_data_hash: null, vendor_data_sealed: null }).where("id", "=", id).execute();
    }
    expect(await server.services.sessions.sealPlainVendorData()).toBe(2);
    expect(await server.services.sessions.sealPlainVendorData()).toBe(0);
    const [liveRow, erasedRow] = [await row(live), await row(erased)];
    expect(liveRow.vendor_data).toBeNull();
    expect(liveRow.vendor_data_sealed).not.toBeNull();
    expect(erasedRow).toMatchObject({ vendor_data: null, vendor_data_hash: null, vendor_data_sealed: null });
    expect((await lifecycle(shop).list("vendorData=old-live")).body.verifications.map((s: { vendorData: string }) => s.vendorData)).toEqual(["old-live"]);
  });
});
