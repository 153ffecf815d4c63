import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type Services, composeServices } from "../../src/app/compose.js";
import { silentLog, storeKind, testEnvironment } from "../support/server.js";

/**
 * Two service instances on one store (on PostgreSQL: two composed service sets on one database,
 * as two machines behind a load balancer), each writing audit events and sealing them at the
 * same time: the result is one chain, every event in it once.
 */
// PostgreSQL's question: SQLite has one writer at a time by its file lock, and two connections in
// one process would wait on each other synchronously (better-sqlite3's busy wait blocks the loop).
describe.runIf(storeKind === "postgres")(`two instances writing the audit trail at once (${storeKind})`, { timeout: 180_000 }, () => {
  let environment: Awaited<ReturnType<typeof testEnvironment>>;
  let instances: Services[];

  beforeAll(async () => {
    environment = await testEnvironment();
    const config = loadConfig(environment.env);
    instances = [composeServices(config, { log: silentLog }), composeServices(config, { log: silentLog })];
    await instances[0]!.store.migrate();
  });
  afterAll(async () => {
    await Promise.all(instances.map((services) => services.close()));
    await environment.cleanup();
  });

  it("keeps one unbroken chain holding every event", async () => {
    const integration = await instances[0]!.integrations.createIntegration({ name: "shop" });
    const WRITERS = 4;
    const EVENTS = 40;
    let writing = true;
    const writer = (services: Services, w: number) => async () => {
      for (let i = 0; i < EVENTS; i++) {
        await services.store.db.transaction().execute((trx) =>
          services.audit.record(trx, {
            integrationId: integration.id,
            sessionId: null,
            actor: { kind: "operator" },
            at: Date.now(),
            event: { type: "integration.updated", data: { changes: { name: { from: `w${w}-${i}`, to: `w${w}-${i + 1}` } } } },
          }),
        );
      }
    };
    // Each instance's sealer runs all the while the writers write, as the background task does.
    const sealer = async (services: Services) => {
      let linked = 0;
      while (writing) linked += await services.auditTrail.seal();
      return linked;
    };
    const sealers = instances.map(sealer);
    await Promise.all(instances.flatMap((services, s) => Array.from({ length: WRITERS }, (_, w) => writer(services, s * WRITERS + w)())));
    writing = false;
    const linkedWhileWriting = await Promise.all(sealers);
    const linkedAfter = (await instances[1]!.auditTrail.seal()) + (await instances[0]!.auditTrail.seal());

    // The writers' events, and the integration's creation (integration.created).
    const total = instances.length * WRITERS * EVENTS + 1;
    expect(linkedWhileWriting[0]! + linkedWhileWriting[1]! + linkedAfter).toBe(total);
    // Both instances did some of the sealing (neither was idle throughout).
    expect(linkedWhileWriting.every((n) => n > 0)).toBe(true);
    const report = await instances[1]!.auditTrail.verify();
    expect(report).toMatchObject({ checked: total, unsealed: 0, broken: undefined });
  });
});
