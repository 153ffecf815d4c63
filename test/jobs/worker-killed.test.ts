import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtCli, repoRoot } from "../support/built-cli.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Scenario, buildScenario, todayUtc } from "../support/synth/index.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { submitScenario } from "../assessment/support.js";
import { assessJobOf } from "./support.js";

/** Short, so that the test sees the dead worker's job taken again; long enough for a run of the engine on a loaded machine. */
const LEASE_SECONDS = 8;

/**
 * A real `earthid worker` process SIGKILLed while it holds a `verification.assess` job: nothing of
 * its run was recorded, so once its lease has passed a second worker process takes the job, the
 * engine decides, and the integrator receives one decision webhook, not two.
 */
describe(`earthid worker killed mid-assessment (${storeKind})`, { timeout: 90_000 }, () => {
  let server: TestServer;
  let receiver: Receiver;
  let approve: Scenario;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    receiver = await startReceiver();
    [server, approve] = await Promise.all([
      startTestServer({ EARTHID_ENGINE_WORKERS: "0", EARTHID_WEBHOOK_ALLOW_PRIVATE: "1", EARTHID_WEBHOOK_POLL_MS: "50", EARTHID_JOB_POLL_MS: "50" }),
      buildScenario("approve", { seed: "engine", asOf: todayUtc() }),
      builtCli(),
    ]);
  }, 60_000);
  afterAll(async () => {
    for (const worker of workers) worker.kill("SIGKILL");
    await server?.close();
    await receiver?.close();
  });

  const startWorker = async () => {
    const env = { ...process.env, ...server.env, EARTHID_ENGINE_WORKERS: "1", EARTHID_ENGINE_LEASE_SECONDS: String(LEASE_SECONDS), EARTHID_JOB_POLL_MS: "50" };
    const worker = spawn(process.execPath, [await builtCli(), "worker"], { cwd: repoRoot, env, stdio: "ignore" });
    workers.push(worker);
    return { worker, exited: new Promise<NodeJS.Signals | null>((resolve) => worker.once("exit", (_code, signal) => resolve(signal))) };
  };

  it("takes the job again after the lease, and decides the session exactly once", async () => {
    const shop = await server.integration({ name: "live shop", decisionWebhookUrl: `${receiver.url}/decision` });
    const { sessionId } = await submitScenario(server.services, shop.apiKey, approve);
    const job = () => assessJobOf(server.services, sessionId);

    const first = await startWorker();
    // Claimed: the worker holds the job (its engine is reading the images).
    await expect.poll(async () => (await job()).status, { timeout: 30_000, interval: 10 }).toBe("running");
    first.worker.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    const orphaned = await job();
    expect(orphaned).toMatchObject({ status: "running", attempts: 1 });
    expect(receiver.received.filter((r) => r.json?.verification?.id === sessionId)).toEqual([]);

    const second = await startWorker();
    const decided = await receiver.waitFor((all) => all.some((r) => r.path === "/decision" && r.json?.verification?.id === sessionId), 45_000);
    expect(decided.find((r) => r.json?.verification?.id === sessionId)!.json.verification).toMatchObject({ status: "approved", code: 9001 });
    // The webhook can leave before the runner has marked its job done.
    await expect.poll(job, { timeout: 5_000, interval: 20 }).toMatchObject({ status: "done", attempts: 2 });

    // The job is done, so no runner takes it again: one decision, one webhook.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received.filter((r) => r.json?.verification?.id === sessionId)).toHaveLength(1);
    const decisions = server.services.store.db.withTables<{ decisions: { session_id: string } }>().selectFrom("decisions").select("session_id").where("session_id", "=", sessionId);
    expect(await decisions.execute()).toHaveLength(1);
    second.worker.kill("SIGTERM");
    expect(await second.exited).toBe(null);
  });
});
