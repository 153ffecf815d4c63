import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionRetention } from "../../src/verification/retention.js";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { bulkFill } from "../support/bulk-fill.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { makeJpeg, upload } from "../media/images.js";
import { createSession, expectOk, lifecycle } from "../lifecycle/helpers.js";
import { formClient, makeReviewer, sessionInReview } from "../backoffice/support.js";
import { type PlanFinding, explainPostgres, explainSqlite } from "./plans.js";

/**
 * Every statement the repositories issue while a representative scenario runs through the real
 * server (create, list with each filter, media, submit, decisions, webhooks and their API, the
 * back-office, DELETE, the expiry and retention sweepers) is captured through the store's statement
 * observer, then explained on a store holding data and no planner statistics. A full scan of a
 * growing table, a full walk of one of its indexes, a sort, or an index range filtered by an
 * equality the index does not give fails the test, unless the statement
 * is in ALLOWED below with the reason it is bounded. Statements that later work adds are captured
 * the same way: nothing here names them.
 */

/**
 * Tables that stay small by construction: a scan or a sort of these alone is fine. Every other
 * table (those of later migrations included) counts as growing.
 */
const BOUNDED_TABLES = new Set([
  "integrations", // created by an operator, one per client application
  "reviewers", // back-office accounts
  "reviewer_logins", // one per signed-in reviewer; expired ones are deleted
  "audit_anchor", // one row: where the kept audit chain starts
  "earthid_migrations",
  "earthid_migrations_lock",
]);

/** Statements whose scan or sort is bounded by construction, each with why. */
const ALLOWED: { match: RegExp; why: string }[] = [
  {
    // The back-office queue of sessions in review (oldest submission first) filtered by creation
    // dates: either index walks one order and filters by the other. The sessions in review are the
    // ones waiting for a person, a queue reviewers work down; the date range bounds it further.
    match: /"status" = ('review'|[?$]).*"created_at" >= [?$].*order by "submitted_at" asc/,
    why: "sorts the sessions in review created within the chosen dates",
  },
  {
    // A status filter beside vendorData (the list's and the back-office's): the vendorData index gives
    // one end user's sessions (vendorData is the integrator's id of its user), the status is checked on
    // those, and the queue of cases in review sorts them by submission.
    match: /"vendor_data_hash" in \(.*"sessions"\."status" \|\| '' = [?$]|"sessions"\."status" \|\| '' = [?$].*"vendor_data_hash" in \(/,
    why: "filters and orders one end user's sessions",
  },
  {
    // Retention's work list: the partial index sessions_retention_decided holds the decided sessions with data left,
    // by decision time; those past the cutoff that are not final (in review, or waiting for a
    // resubmission) are skipped, and they are few: reviewers work the queue down, the expiry sweeper
    // ends resubmissions nobody made.
    match: /^select "id" from "sessions" where "integration_id" = [?$]\S* and "status" in \(.*"decided_at" < .*"erased_at" is null/,
    why: "skips the few sessions past the cutoff still in review or waiting for a resubmission",
  },
  {
    match: /^select count\(\*\) as "n" from "jobs" where "subject" = [?$]\S* and "status" in \(/,
    why: "one session's jobs: one per attempt and kind",
  },
  {
    // The queue of cases in review across integrations reads the partial index sessions_review_submitted
    // from its start, in its order, and stops at the page's end: PostgreSQL, seeing the index's
    // predicate answer the whole condition, shows no condition on it.
    match: /where "deleted_at" is null and "status" = 'review' order by "submitted_at" asc, "id" asc limit/,
    why: "reads the first page of the partial index of sessions in review",
  },
  {
    // Retention of deliveries reads the partial index webhook_deliveries_erased whole: it holds only
    // the rows whose body was erased, which this pass removes.
    match: /^select "id" from "webhook_deliveries" where "payload_sealed" is null limit/,
    why: "walks a partial index of the rows it removes",
  },
  {
    // The overview: the last 14 days' decisions (a range of decisions_decided_at) or webhook
    // deliveries (of webhook_deliveries_created_at), counted into groups by day and outcome.
    match: /^select (decided_at|created_at) \/ 86400000 as "day".* group by /,
    why: "groups the last 14 days' rows, read from a range of their time index, into at most days × outcomes groups",
  },
  {
    // The overview's median time to decision: the last 14 days' delays, in order.
    match: /row_number\(\) over \(order by delay\)/,
    why: "sorts the delays of the last 14 days' decisions, read from a range of decisions_decided_at: a median needs them in order",
  },
  {
    match: /from "review_cases" inner join "reviewers".*"review_cases"\."session_id" = [?$]/,
    why: "one session's review cases: one per attempt, at most 10",
  },
  {
    // The audit sealer reads the partial index audit_unsealed whole (to link its events, or to ask
    // whether any wait, or how many: audit verify): it holds only the events not yet linked into the
    // chain (those of the last second or so), which this pass links.
    match: /^select (\*|"id"|count\(\*\) as "n") from "audit_events" where "seq" is null( order by "created_at", "id")?( limit|$)/,
    why: "walks a partial index of the events it links",
  },
];

/** Statements that are not queries of the service's tables: transaction control, schema, the migrator's bookkeeping. */
const NOT_A_QUERY = /^\s*(begin|commit|rollback|savepoint|release|pragma|create|alter|drop)\b|earthid_migrations|^\s*select 1\s*$/i;

describe(`query plans on a store with data and no statistics (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let shop: TestIntegration;
  let tester: TestIntegration;
  const statements = new Map<string, readonly unknown[]>();
  // From the moment the server listens: the migrations' statements (temporary tables, backfills) are not the service's queries.
  let capturing = false;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer(
      { EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_SWEEP_INTERVAL_SECONDS: "86400" },
      { onStatement: (text, values) => void (!capturing || statements.has(text) || NOT_A_QUERY.test(text) || statements.set(text, values)) },
    );
    capturing = true;
    const hooks = { decisionWebhookUrl: `${receiver.url}/decision`, eventWebhookUrl: `${receiver.url}/event` };
    shop = await server.integration({ name: "shop", retentionDays: 30, ...hooks });
    tester = await server.integration({ name: "tester", isTest: true, ...hooks });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it("runs the scenario, then finds no scan of a growing table and no unbounded sort", { timeout: 180_000 }, async () => {
    // The integrator API.
    const api = lifecycle(shop);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await createSession(shop, { vendorData: "plan-user", person: { firstName: "Mari", lastName: "Maasikas" } }));
    expectOk(await shop.api.getSession(ids[0]!));
    const jpeg = await makeJpeg();
    const uploaded = await upload(shop, ids[0]!, jpeg);
    expectOk(uploaded, 201);
    expectOk(await shop.api.request("GET", `/earthid/api/sessions/${ids[0]}/media`, { signOver: ids[0]! }));
    const attemptId = uploaded.body.image.attemptId as string;
    expectOk(await shop.api.request("GET", `/earthid/api/attempts/${attemptId}/media`, { signOver: attemptId }));
    const mediaId = uploaded.body.image.id as string;
    expect((await shop.api.request("GET", `/earthid/api/media/${mediaId}`, { signOver: mediaId })).status).toBe(200);
    expectOk(await api.submit(ids[0]!));
    for (const query of ["", "limit=1", "status=created", "status=created&limit=1", "vendorData=plan-user", "vendorData=plan-user&status=created"]) {
      const page = await api.list(query);
      expectOk(page);
      if (page.body.nextCursor) expectOk(await api.list(`${query}&cursor=${page.body.nextCursor}`));
    }
    expectOk(await api.decision(ids[0]!));
    expectOk(await api.person(ids[0]!));
    expectOk(await api.attempts(ids[0]!));
    // Test mode: decided at submit; a resubmission then a second attempt.
    const quick = await createSession(tester, { person: { firstName: "Resubmit", lastName: "Saar" } });
    expectOk(await lifecycle(tester).submit(quick));
    await server.services.jobs.settled(quick);
    await upload(tester, quick, jpeg);
    const approved = await createSession(tester, { person: { firstName: "Approve", lastName: "Saar" } });
    expectOk(await lifecycle(tester).submit(approved));
    await server.services.jobs.settled(approved);

    // The back-office: the queue with each filter, a session's page, a decision.
    await makeReviewer(server, "plan@example.com", "reviewer");
    const desk = formClient(server.url);
    await desk.logIn("plan@example.com");
    const inReview = await sessionInReview(server, shop, "plan-review");
    const today = new Date().toISOString().slice(0, 10);
    for (const query of ["", "status=created", `integration=${shop.id}`, `integration=${shop.id}&status=created`, `from=${today}&to=${today}`, "vendorData=plan-review"]) {
      expect((await desk.get(`/admin/queue?${query}`)).status).toBe(200);
    }
    expect((await desk.get(`/admin/sessions/${inReview}`)).status).toBe(200);
    expect((await desk.post(`/admin/sessions/${inReview}/decision`, { verdict: "approved" })).status).toBe(303);
    // An administrator's pages: the overview's fourteen days, an integration with its policy.
    const { secret } = await makeReviewer(server, "plan-admin@example.com", "admin", { totp: true });
    const office = formClient(server.url);
    await office.logIn("plan-admin@example.com", secret);
    expect((await office.get("/admin/overview")).status).toBe(200);
    expect((await office.get(`/admin/integrations/${shop.id}`)).status).toBe(200);

    // Webhooks: delivered, listed, re-sent.
    await receiver.waitFor((all) => all.filter((r) => r.path === "/decision").length >= 3);
    const deliveries = await shop.api.request("GET", "/earthid/api/webhooks/deliveries", { stamp: true });
    expectOk(deliveries);
    expectOk(await shop.api.request("GET", `/earthid/api/webhooks/deliveries?sessionId=${ids[0]}`, { stamp: true }));
    const first = deliveries.body.deliveries[0].id as string;
    expectOk(await shop.api.request("POST", `/earthid/api/webhooks/deliveries/${first}/resend`, { body: {}, stamp: true }), 202);

    // DELETE, the expiry sweeper, retention a year from now.
    expectOk(await api.remove(ids[1]!));
    await server.services.lifecycle.sweepUnfinished(0);
    const { services } = server;
    const retention = sessionRetention({
      ...services,
      doneJobs: { purgeDone: services.jobs.purgeDone, retentionDays: services.config.jobRetentionDays },
      auditEvents: { prune: services.auditTrail.prune, retentionDays: 30 },
      now: () => Date.now() + 365 * 86_400_000,
    });
    await retention.sweep();
    await retention.purgeAuditEvents();
    expect(await services.auditTrail.verify()).toMatchObject({ broken: undefined });
    expect(await services.webhooks.removeErasedDeliveries()).toBeGreaterThan(0);

    // Data, and no statistics: then every statement explained.
    const reviewer = await services.store.db.selectFrom("reviewers" as never).select("id" as never).executeTakeFirstOrThrow();
    capturing = false; // the fill's own statements are not the service's
    await bulkFill(services.store, { integrationId: shop.id, reviewerId: (reviewer as { id: string }).id, count: 20_000, chunk: 20_000, sealedWith: services.masterKey });
    const findings: PlanFinding[] =
      storeKind === "postgres"
        ? await explainPostgres(String(server.env.DATABASE_URL), statements, BOUNDED_TABLES)
        : await explainSqlite(path.join(String(server.env.EARTHID_DATA_DIR), "earthid.sqlite"), statements, BOUNDED_TABLES);
    const failing = findings.filter((f) => !ALLOWED.some((a) => a.match.test(f.statement)));
    expect(statements.size).toBeGreaterThan(40);
    expect(failing.map((f) => `${f.problem}\n  ${f.statement}\n  ${f.plan.join("\n  ")}`)).toEqual([]);
  });

  it("fails a statement that scans, sorts or filters a growing table (the check itself)", async () => {
    const probes = new Map<string, readonly unknown[]>([
      [storeKind === "postgres" ? `select * from "sessions" where "lang" = $1` : `select * from "sessions" where "lang" = ?`, ["en"]],
      [storeKind === "postgres" ? `select * from "audit_events" where "session_id" = $1 order by "data"` : `select * from "audit_events" where "session_id" = ? order by "data"`, ["x"]],
      [
        storeKind === "postgres"
          ? `select * from "sessions" where "status" = $1 and "lang" = $2 order by "created_at" desc, "id" desc limit 10`
          : `select * from "sessions" where "status" = ? and "lang" = ? order by "created_at" desc, "id" desc limit 10`,
        ["created", "et"],
      ],
    ]);
    const findings =
      storeKind === "postgres"
        ? await explainPostgres(String(server.env.DATABASE_URL), probes, BOUNDED_TABLES)
        : await explainSqlite(path.join(String(server.env.EARTHID_DATA_DIR), "earthid.sqlite"), probes, BOUNDED_TABLES);
    expect(findings.map((f) => f.problem)).toEqual([expect.stringMatching(/scan/), expect.stringMatching(/sort/), expect.stringMatching(/^filter: .*lang/)]);
  });
});
