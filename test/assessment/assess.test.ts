import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeServices } from "../../src/app/compose.js";
import { engineWorkers } from "../../src/assessment/engine.js";
import type { Actor } from "../../src/audit/events.js";
import { loadConfig } from "../../src/config.js";
import { DEFAULT_POLICY } from "../../src/engine/policy/policy.js";
import type { Services } from "../../src/services.js";
import { silentLog, storeKind, testEnvironment } from "../support/server.js";
import { type Scenario, buildScenario, todayUtc } from "../support/synth/index.js";
import { mrzSurname, submitScenario } from "./support.js";
import { keyCommands } from "../../src/cli/keys.js";
import { REPLAY_DIFFERS, replayCommand } from "../../src/cli/replay.js";

/** A seed whose documents the engine reads and whose faces it matches (see test/engine/scenarios.test.ts for the suite). */
const SEED = "engine";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/**
 * The engine's side of a submitted attempt, at the service: the real engine in one worker thread
 * (loaded once for the file), the real store, synthetic documents photographed virtually.
 */
describe(`the engine's assessment of a submitted attempt (${storeKind})`, { timeout: 300_000 }, () => {
  const engine = engineWorkers(1);
  let services: Services;
  let cleanup: () => Promise<void>;
  let approve: Scenario;
  let duplicate: Scenario;

  beforeAll(async () => {
    const environment = await testEnvironment();
    cleanup = environment.cleanup;
    services = composeServices(loadConfig(environment.env), { log: silentLog }, { engine });
    await services.store.migrate();
    [approve, duplicate] = await Promise.all([buildScenario("approve", { seed: SEED, asOf: todayUtc() }), buildScenario("duplicate_document", { seed: SEED, asOf: todayUtc() }), engine.start()]);
  }, 300_000);
  afterAll(async () => {
    await services?.close();
    await cleanup?.();
  });

  const shop = async () => {
    const created = await services.integrations.createIntegration({ name: "shop" });
    return { ...created, actor: { kind: "integrator", integrationId: created.id } as Actor };
  };
  const replayCli = async (...argv: string[]) => {
    let out = "";
    let err = "";
    const code = await replayCommand(services, argv, { out: (text) => void (out += text), err: (text) => void (err += text) });
    return { code, out, err };
  };
  const records = (sessionId: string) => services.store.db.withTables<{ engine_assessments: Record<string, any> }>().selectFrom("engine_assessments").selectAll().where("session_id", "=", sessionId).execute();

  it("approves a passport and a selfie of its holder; the decision carries what was read, and the record keeps it sealed", async () => {
    const integration = await shop();
    const attempt = await submitScenario(services, integration.apiKey, approve);
    await services.assessment.assess(attempt);

    const { verification } = await services.reads.decision(integration.actor, attempt.sessionId);
    const { truth } = approve;
    expect(verification).toMatchObject({ status: "approved", code: 9001, reasonCode: null, attemptId: attempt.attemptId });
    expect(verification!.person).toMatchObject({ dateOfBirth: truth.person.dateOfBirth, gender: truth.person.gender, nationality: truth.person.nationality });
    expect(verification!.person.lastName).toBe(mrzSurname(approve));
    expect(verification!.document).toMatchObject({ number: truth.document.number, type: "PASSPORT", country: truth.document.country, validUntil: truth.document.validUntil });
    const similarity = verification!.checks!.find((c) => c.name === "face.similarity")!;
    expect(similarity).toMatchObject({ outcome: "pass", threshold: DEFAULT_POLICY.face.threshold });
    expect(similarity.score).toBeGreaterThanOrEqual(DEFAULT_POLICY.face.threshold);
    const person = await services.reads.person(integration.actor, attempt.sessionId);
    expect(person.person).toMatchObject({ dateOfBirth: truth.person.dateOfBirth, idNumber: verification!.person.idNumber });

    const [record] = await records(attempt.sessionId);
    expect(record).toMatchObject({ attempt_id: attempt.attemptId, status: "approved", code: 9001, policy_version: 1, error: null });
    expect(JSON.parse(record!.images)).toEqual({ documentFront: sha256(approve.documentFront), documentBack: null, selfie: sha256(approve.selfie) });
    const versions = JSON.parse(record!.versions);
    expect(Object.keys(versions).sort()).toEqual(["barcode", "engine", "face", "images", "mrzParser", "ocr", "ocrFallback"]);
    expect(versions).toMatchObject({ engine: expect.stringMatching(/^earthid-verify@/), ocr: { library: expect.stringMatching(/^tesseract\.js@/), engine: "legacy" }, barcode: expect.stringMatching(/^zxing-wasm@/), mrzParser: expect.stringMatching(/^mrz@/), images: expect.stringMatching(/^sharp@/) });
    expect(versions.face.library).toMatch(/^@vladmandic\/human@/);
    // Sealed: neither the name nor the number is in the row as text.
    expect(JSON.stringify(record)).not.toContain(truth.document.number);
    expect(JSON.stringify(record)).not.toContain(mrzSurname(approve));
    const decided = await services.audit.listForSession(attempt.sessionId);
    expect(decided.filter((e) => e.type === "session.decided").map((e) => e.actor)).toEqual(["engine"]);
  });

  it("does nothing for an attempt no longer submitted: a job run twice decides once", async () => {
    const integration = await shop();
    const attempt = await submitScenario(services, integration.apiKey, approve, { omit: ["face"] });
    await services.assessment.assess(attempt);
    await services.assessment.assess(attempt);
    expect((await services.lifecycle.decisions(attempt.sessionId)).map((d) => [d.status, d.reason_code, d.decided_by])).toEqual([["resubmission_requested", 208, "engine"]]);
  });

  it("declines the same document in another end user's session (110), naming it; the first end user coming back matches only the other's session", async () => {
    const integration = await shop();
    const first = await submitScenario(services, integration.apiKey, duplicate.before![0]!, { endUserId: randomUUID(), vendorData: "holder-1" });
    await services.assessment.assess(first);
    expect((await services.lifecycle.latestDecision(first.sessionId))?.status).toBe("approved");

    const again = await submitScenario(services, integration.apiKey, duplicate, { endUserId: randomUUID(), vendorData: "someone-else" });
    await services.assessment.assess(again);
    const { verification } = await services.reads.decision(integration.actor, again.sessionId);
    expect(verification).toMatchObject({ status: "declined", code: 9102, reasonCode: 110 });
    expect(verification!.checks!.find((c) => c.name === "duplicate.document")).toMatchObject({ outcome: "fail", evidence: { sessions: [{ sessionId: first.sessionId }] } });

    // The first holder coming back (same vendorData): only the other end user's session is a duplicate.
    const sameHolder = await submitScenario(services, integration.apiKey, duplicate, { vendorData: "holder-1" });
    await services.assessment.assess(sameHolder);
    const back = await services.reads.decision(integration.actor, sameHolder.sessionId);
    expect(back.verification!.checks!.find((c) => c.name === "duplicate.document")).toMatchObject({ outcome: "fail", evidence: { sessions: [{ sessionId: again.sessionId }] } });
  });

  it("declines the same face under another document in another end user's session (124), naming it", async () => {
    const integration = await shop();
    const first = await submitScenario(services, integration.apiKey, approve, { vendorData: "holder-1" });
    await services.assessment.assess(first);
    expect((await services.lifecycle.latestDecision(first.sessionId))?.status).toBe("approved");

    // Another document of the same face (another identity, another number), sent with the first holder's selfie.
    let other: Scenario | undefined;
    for (let i = 1; !other; i++) {
      const candidate = await buildScenario("approve", { seed: `${SEED}-face-${i}`, asOf: todayUtc() });
      if (candidate.truth.person.face === approve.truth.person.face && candidate.truth.document.number !== approve.truth.document.number) other = candidate;
    }
    const again = await submitScenario(services, integration.apiKey, { ...other, selfie: approve.selfie }, { vendorData: "someone-else" });
    await services.assessment.assess(again);
    const { verification } = await services.reads.decision(integration.actor, again.sessionId);
    expect(verification).toMatchObject({ status: "declined", code: 9102, reasonCode: 124 });
    expect(verification!.checks!.find((c) => c.name === "duplicate.document")).toMatchObject({ outcome: "pass" });
    expect(verification!.checks!.find((c) => c.name === "duplicate.face")).toMatchObject({ outcome: "fail", evidence: { sessions: [{ sessionId: first.sessionId, score: 1 }] } });
  });

  it("still finds the same document after `earthid keys rotate` has destroyed the key its number was hashed under", async () => {
    const integration = await shop();
    const first = await submitScenario(services, integration.apiKey, duplicate.before![0]!, { endUserId: randomUUID(), vendorData: "holder-1" });
    await services.assessment.assess(first);
    const [recorded] = await records(first.sessionId);

    const keys = async (config: Services["config"], ...argv: string[]) => {
      let out = "";
      const code = await keyCommands({ ...services, config }, [...argv, "--json"], { out: (text) => void (out += text), err: () => undefined });
      expect(code).toBe(0);
      return JSON.parse(out);
    };
    const rotated = await keys(services.config, "rotate");
    expect(rotated.rehashed["engine_assessments.document_key"]).toBeGreaterThanOrEqual(1);
    const [rehashed] = await records(first.sessionId);
    expect(rehashed!.document_key).not.toBe(recorded!.document_key);
    // Past the backups' retention the old key is destroyed: the number's old hash can no longer be made.
    expect((await keys({ ...services.config, backupRetentionDays: 0 }, "prune")).destroyed).toEqual([rotated.kept[0].id]);

    const again = await submitScenario(services, integration.apiKey, duplicate, { endUserId: randomUUID(), vendorData: "someone-else" });
    await services.assessment.assess(again);
    const { verification } = await services.reads.decision(integration.actor, again.sessionId);
    expect(verification).toMatchObject({ status: "declined", code: 9102, reasonCode: 110 });
    expect(verification!.checks!.find((c) => c.name === "duplicate.document")).toMatchObject({ outcome: "fail", evidence: { sessions: [{ sessionId: first.sessionId }] } });
  });

  it("gives up into review (9121), the error kept with the attempt and in the audit trail", async () => {
    const integration = await shop();
    const attempt = await submitScenario(services, integration.apiKey, approve, { omit: ["document-front", "document-back", "face"] });
    await services.assessment.giveUp(attempt, "EngineTimeout: the verification took longer than 60000 ms");
    expect(await services.lifecycle.latestDecision(attempt.sessionId)).toMatchObject({ status: "review", code: 9121, decided_by: "engine" });
    const events = await services.audit.listForSession(attempt.sessionId);
    expect(JSON.parse(events.find((e) => e.type === "session.decided")!.data)).toMatchObject({ status: "review", error: "EngineTimeout: the verification took longer than 60000 ms" });
    expect((await records(attempt.sessionId))[0]).toMatchObject({ error: "EngineTimeout: the verification took longer than 60000 ms", status: null });
  });

  it("replays a decision offline to the same result with `earthid sessions replay`, and says what differs when the record does not match", async () => {
    const integration = await shop();
    const attempt = await submitScenario(services, integration.apiKey, approve);
    await services.assessment.assess(attempt);
    // A stricter policy since: the replay still judges by the version recorded.
    await services.policies.change(integration.id, { faceThreshold: 0.99 });
    const same = await replayCli(attempt.sessionId, "--json");
    expect(same.code).toBe(0);
    expect(JSON.parse(same.out)).toMatchObject({ attemptId: attempt.attemptId, policyVersion: 1, recorded: { status: "approved" }, replayed: { status: "approved" }, differences: [] });

    const db = services.store.db.withTables<{ engine_assessments: { attempt_id: string; images: string } }>();
    await db.updateTable("engine_assessments").set({ images: JSON.stringify({ documentFront: "0".repeat(64), documentBack: null, selfie: sha256(approve.selfie) }) }).where("attempt_id", "=", attempt.attemptId).execute();
    const differs = await replayCli(attempt.sessionId);
    expect(differs.code).toBe(REPLAY_DIFFERS);
    expect(differs.out).toContain(`session ${attempt.sessionId}, attempt ${attempt.attemptId}: judged at `);
    expect(differs.out).toContain("recorded: approved 9001\nreplayed: approved 9001\n1 difference(s):\n");
    expect(differs.out).toContain(`  image.documentFront: ${"0".repeat(64)} → ${sha256(approve.documentFront)}\n`);

    expect(await replayCli(randomUUID())).toEqual({ code: 1, out: "", err: "earthid: Session not found\n" });
    await expect(replayCli("not-a-session")).rejects.toThrow("sessions replay needs exactly one session id (a UUID)");
  });

  it("forgets its record when the session is erased", async () => {
    const integration = await shop();
    const attempt = await submitScenario(services, integration.apiKey, approve, { omit: ["face"] });
    await services.assessment.assess(attempt);
    expect(await records(attempt.sessionId)).toHaveLength(1);
    await services.erasure.deleteSession({ actor: integration.actor, sessionId: attempt.sessionId });
    expect(await records(attempt.sessionId)).toEqual([]);
  });
});
