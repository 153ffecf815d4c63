import { Agent, request } from "node:http";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { type Store, openStore } from "../../src/store/db.js";
import { type ApiClient, apiClient } from "../support/client.js";
import { type ChildServer, demoBanner, spawnServer } from "../support/built-cli.js";
import { storeKind, testEnvironment } from "../support/server.js";

const CLIENTS = 64;
/** Creates answered before the kill. */
const KILL_AFTER = 2000;
/** Read back through the API: the last ones acknowledged before the kill, and a sample of the rest. */
const API_READS = 320;

interface Acknowledged {
  id: string;
  vendorData: string;
  sessionToken: string;
}

interface LoadResult {
  acknowledged: Acknowledged[];
  /** Requests that ended in a connection error rather than a response. */
  cut: { code: string; afterKill: boolean }[];
  otherStatuses: number[];
  inFlightAtKill: number;
  /** Whether the request that sent the kill got an answer anyway (it must not). */
  triggerAnswered: boolean;
  sent: number;
  seconds: number;
}

/** One create; `onSent` runs once the whole request has been handed to the kernel. */
function post(agent: Agent, url: string, apiKey: string, body: string, onSent: () => void): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/earthid/api/sessions`, {
      method: "POST",
      agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-auth-client": apiKey },
    });
    req.once("finish", onSent);
    req.once("error", reject);
    req.once("response", (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.once("error", reject);
      res.once("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.end(body);
  });
}

/**
 * CLIENTS concurrent integrators over keep-alive connections, each creating sessions back to back,
 * until the server stops answering. Once KILL_AFTER creates have been answered, the next request to
 * reach the kernel sends the SIGKILL: that one is certainly unanswered, and so, most likely, are the
 * creates the other clients have in flight.
 */
async function createUntilKilled(server: ChildServer, apiKey: string): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const result: LoadResult = { acknowledged: [], cut: [], otherStatuses: [], inFlightAtKill: -1, triggerAnswered: false, sent: 0, seconds: 0 };
  let killed = false;
  let inFlight = 0;
  const started = performance.now();

  const client = async (clientNo: number) => {
    for (let n = 0; !killed; n++) {
      const vendorData = `crash-${clientNo}-${n}`;
      const body = JSON.stringify({ verification: { vendorData, callback: "https://example.com/done", person: { firstName: "Ada", lastName: "Lovelace" } } });
      result.sent++;
      inFlight++;
      let trigger = false;
      const killIfDue = () => {
        if (killed || result.acknowledged.length < KILL_AFTER) return;
        killed = trigger = true;
        result.inFlightAtKill = inFlight;
        server.process.kill("SIGKILL");
      };
      try {
        const { status, text } = await post(agent, server.url, apiKey, body, killIfDue);
        if (trigger) result.triggerAnswered = true;
        if (status === 201) {
          const v = JSON.parse(text).verification;
          result.acknowledged.push({ id: v.id, vendorData, sessionToken: v.sessionToken });
        } else {
          result.otherStatuses.push(status);
        }
      } catch (error) {
        result.cut.push({ code: (error as NodeJS.ErrnoException).code ?? (error as Error).message, afterKill: killed });
        return;
      } finally {
        inFlight--;
      }
    }
  };

  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  agent.destroy();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** Every acknowledged session as the store holds it: the row, its integration and its data key. */
async function findInStore(store: Store, integrationId: string, sessions: Acknowledged[]) {
  const missing: string[] = [];
  for (let i = 0; i < sessions.length; i += 500) {
    const chunk = sessions.slice(i, i + 500);
    const rows = await store.db
      .selectFrom("sessions")
      .innerJoin("session_keys", "session_keys.session_id", "sessions.id")
      .select(["sessions.id", "sessions.vendor_data_hash", "sessions.vendor_data_sealed", "sessions.integration_id"])
      .where("sessions.id", "in", chunk.map((s) => s.id))
      .execute();
    const found = new Map(rows.map((row) => [row.id, row]));
    for (const session of chunk) {
      const row = found.get(session.id);
      // vendorData is kept sealed, with a keyed hash for the filter (README, Security): both must be there.
      const vendorDataKept = session.vendorData === null ? row?.vendor_data_hash === null : row?.vendor_data_hash != null && row.vendor_data_sealed != null;
      if (!row || !vendorDataKept || row.integration_id !== integrationId) missing.push(session.id);
    }
  }
  return missing;
}

/** Reads sessions back through the API, signed over the id, CLIENTS at a time. */
async function readBack(api: ApiClient, sessions: Acknowledged[]) {
  const wrong: { id: string; status: number }[] = [];
  let next = 0;
  const reader = async () => {
    while (next < sessions.length) {
      const session = sessions[next++]!;
      const res = await api.getSession(session.id);
      const v = res.body?.verification;
      if (res.status !== 200 || v.vendorData !== session.vendorData || v.sessionToken !== session.sessionToken) wrong.push({ id: session.id, status: res.status });
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, reader));
  return wrong;
}

/** Seconds since the previous call, for the summary line. */
function stopwatch(): () => string {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const seconds = ((now - last) / 1000).toFixed(1);
    last = now;
    return seconds;
  };
}

describe(`durability on ${storeKind}: SIGKILL while sessions are being created`, () => {
  const running: ChildServer[] = [];
  let cleanup: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const server of running) server.process.kill("SIGKILL");
    await Promise.all(running.map((server) => server.exited));
    await cleanup?.();
  });

  it("keeps every session it answered 201 for, and serves again after the restart", { timeout: 120_000 }, async () => {
    const lap = stopwatch();
    const environment = await testEnvironment({ EARTHID_ENGINE_WORKERS: "0" }); // an API instance: its readiness is the store's, not the engine models'
    cleanup = environment.cleanup;

    const first = await spawnServer(environment.env);
    running.push(first);
    const firstStart = lap();
    const demo = demoBanner(first.stdout());
    expect(demo, `no demo banner on first start:\n${first.stdout()}`).toBeDefined();

    const load = await createUntilKilled(first, demo!.apiKey);
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    const loadTime = lap();

    // The kill landed mid-stream: thousands answered, and creates that were in flight were cut.
    expect(load.otherStatuses).toEqual([]);
    expect(load.acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(load.inFlightAtKill).toBeGreaterThan(CLIENTS / 2);
    expect(load.triggerAnswered).toBe(false);
    expect(load.cut.length).toBeGreaterThan(0);
    expect(load.cut.every((c) => c.afterKill && /ECONNRESET|ECONNREFUSED|EPIPE|socket hang up/.test(c.code))).toBe(true);
    expect(new Set(load.acknowledged.map((s) => s.id)).size).toBe(load.acknowledged.length);

    const second = await spawnServer(environment.env);
    running.push(second);
    const restart = lap();
    expect(demoBanner(second.stdout()), "a restart on the same data must not create another demo integration").toBeUndefined();
    const ready = await fetch(`${second.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", store: storeKind });

    // Every 201 is in the store: row, integration, data key; and the file itself is sound.
    const store = openStore({ databaseUrl: environment.env.DATABASE_URL, dataDir: environment.dataDir });
    let committed: number;
    try {
      expect(await findInStore(store, demo!.id, load.acknowledged)).toEqual([]);
      committed = Number((await store.db.selectFrom("sessions").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
      if (store.kind === "sqlite") {
        const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
        expect(check.rows).toEqual([{ integrity_check: "ok" }]);
      }
    } finally {
      await store.close();
    }
    const storeCheck = lap();

    // And the restarted service serves them: the last ones answered before the kill, and a sample.
    const api = apiClient(second.url, demo!.apiKey, demo!.sharedSecret);
    const latest = load.acknowledged.slice(-API_READS / 2);
    const sample = load.acknowledged.slice(0, -API_READS / 2).sort(() => Math.random() - 0.5).slice(0, API_READS / 2);
    expect(await readBack(api, [...latest, ...sample])).toEqual([]);
    const apiCheck = lap();

    console.info(
      `[${storeKind}] ${load.sent} creates sent by ${CLIENTS} clients in ${load.seconds.toFixed(1)} s; SIGKILL with ${load.inFlightAtKill} in flight; ` +
        `${load.acknowledged.length} answered 201, all in the store after restart (${latest.length + sample.length} also read through the API); ` +
        `${load.cut.length} cut; ${committed - load.acknowledged.length} committed without an answer. ` +
        `Seconds: first start ${firstStart}, load ${loadTime}, restart ${restart}, store check ${storeCheck}, API reads ${apiCheck}`,
    );

    // And it works as before: a new session, read back.
    const fresh = await api.createSession({ vendorData: "after the crash" });
    expect(fresh.status).toBe(201);
    expect((await api.getSession(fresh.body.verification.id)).body).toEqual(fresh.body);

    expect(await second.stop()).toEqual({ code: 0, signal: null });
  });
});
