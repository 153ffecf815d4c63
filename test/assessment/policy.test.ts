import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policyCommand } from "../../src/cli/policy.js";
import { DEFAULT_POLICY } from "../../src/engine/policy/policy.js";
import { policyInForce, reviewerAccountsFor } from "../../src/backoffice/adapter.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";

/** `earthid integrations policy`: each integration's decision policy, versioned and audited. */
describe(`an integration's decision policy (${storeKind})`, { timeout: 60_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const run = async (...args: string[]) => {
    let out = "";
    let err = "";
    const code = await policyCommand({ policies: server.services.policies, inForce: policyInForce(server.services) }, args, { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
  };
  const policyEvents = async (integrationId: string) =>
    (await server.services.store.db.selectFrom("audit_events").selectAll().where("integration_id", "=", integrationId).where("type", "=", "integration.policy_changed").orderBy("created_at").execute()).map((row) => ({
      actor: row.actor,
      data: JSON.parse(row.data),
    }));

  it("is the default, version 1, until an operator changes it", async () => {
    const shop = await server.integration();
    const shown = await run(shop.id);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain("decision policy version 1");
    expect(shown.out).toContain(`face threshold:  ${DEFAULT_POLICY.face.threshold}`);
    expect(shown.out).toContain("made:            never changed: the default");
    expect(await server.services.policies.current(shop.id)).toEqual(DEFAULT_POLICY);
  });

  it("names who made the version in force, as the back-office's integration page does", async () => {
    const shop = await server.integration();
    const before = Date.now();
    const byCli = await run(shop.id, "--min-age", "21");
    const at = /made: {12}(\S+) by the operator \(CLI\)\n/.exec(byCli.out)?.[1];
    expect(at, byCli.out).toBeDefined();
    expect(Date.parse(at!)).toBeGreaterThanOrEqual(before);
    expect(JSON.parse((await run(shop.id, "--json")).out).made).toEqual({ at: Date.parse(at!), by: "the operator (CLI)" });

    const { reviewer } = await reviewerAccountsFor(server.services).create({ email: "policy-admin@example.com", role: "admin", password: "correct horse battery staple" });
    await server.services.policies.change(shop.id, { minimumAge: 25 }, { kind: "reviewer", reviewerId: reviewer.id });
    const shown = await run(shop.id);
    expect(shown.out).toContain("decision policy version 3");
    expect(shown.out).toMatch(/made: {12}\S+ by policy-admin@example\.com\n/);
    // Asked to set what is already set: nothing changes, and the author stays the reviewer.
    expect((await run(shop.id, "--min-age", "25")).out).toMatch(/nothing changed[^]*by policy-admin@example\.com\n/);
  });

  it("changes as a new version, audited with the values before and after; the old version stays for replays", async () => {
    const shop = await server.integration();
    const changed = await run(shop.id, "--face-threshold", "0.62", "--review-from", "0.62", "--min-age", "21", "--json");
    expect(changed.code, changed.err).toBe(0);
    expect(JSON.parse(changed.out).policy).toMatchObject({ version: 2, face: { threshold: 0.62, reviewFrom: 0.62 }, minimumAge: 21, specimens: "flag" });
    expect(await server.services.policies.current(shop.id)).toMatchObject({ version: 2, minimumAge: 21 });
    expect(await server.services.policies.atVersion(shop.id, 1)).toEqual(DEFAULT_POLICY);

    const again = await run(shop.id, "--min-age", "none", "--specimens", "decline");
    expect(again.out).toContain("changed minimumAge: 21 → none");
    expect(again.out).toContain("decision policy version 3");
    expect(await server.services.policies.atVersion(shop.id, 2)).toMatchObject({ version: 2, minimumAge: 21, specimens: "flag" });
    expect(await policyEvents(shop.id)).toEqual([
      { actor: "operator", data: { version: 2, changes: { faceThreshold: { from: DEFAULT_POLICY.face.threshold, to: 0.62 }, reviewFrom: { from: 0.5, to: 0.62 }, minimumAge: { from: 18, to: 21 } } } },
      { actor: "operator", data: { version: 3, changes: { minimumAge: { from: 21, to: null }, specimens: { from: "flag", to: "decline" } } } },
    ]);

    const same = await run(shop.id, "--specimens", "decline");
    expect(same.out).toContain("nothing changed");
    expect(await server.services.policies.current(shop.id)).toMatchObject({ version: 3 });
  });

  it("refuses values that make no policy, and changes nothing", async () => {
    const shop = await server.integration();
    await expect(run(shop.id, "--face-threshold", "1.5")).rejects.toThrow(/face threshold must be above 0 and at most 1/);
    await expect(run(shop.id, "--review-from", "0.7")).rejects.toThrow(/review band must start from 0 up to the face threshold/);
    await expect(run(shop.id, "--min-age", "0")).rejects.toThrow(/minimum age must be a whole number/);
    await expect(run(shop.id, "--min-age", "eighteen")).rejects.toThrow(/--min-age must be a whole number/);
    await expect(run(shop.id, "--specimens", "accept")).rejects.toThrow(/--specimens must be flag or decline/);
    expect(await server.services.policies.current(shop.id)).toEqual(DEFAULT_POLICY);
    expect(await policyEvents(shop.id)).toEqual([]);
  });

  it("answers an unknown integration with exit 1", async () => {
    const result = await run("00000000-0000-4000-8000-000000000000", "--min-age", "16");
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining("no integration with id") });
  });
});
