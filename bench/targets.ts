import { randomBytes } from "node:crypto";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
/** The seed contract's sample body (docs/create-session-api.md), byte for byte the same each request. */
export const BODY = JSON.stringify({
  verification: {
    callback: "https://www.myearth.id/",
    person: { firstName: "John", lastName: "Smith" },
    document: { type: "PASSPORT", country: "EE" },
    vendorData: "unique id of a user",
  },
});

export const root = path.resolve(import.meta.dirname, "..");
const cliOf = (checkout: string) => path.join(checkout, "bin", "earthid.js");

export interface Target {
  name: string;
  url: string;
  pid: number;
  /** CPU time (user + system) used so far, in microseconds (Linux): all threads, and the main one. */
  cpuMicros(): { process: number; main: number };
  stop(): Promise<void>;
}

const TICK_MICROS = 1e6 / 100; // USER_HZ is 100 on Linux

/** CPU time (user + system) in a /proc stat text, µs. */
export function cpuMicrosOfStat(stat: string): number {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
}

export function cpuMicrosIn(statFile: string): number {
  try {
    return cpuMicrosOfStat(readFileSync(statFile, "utf8"));
  } catch {
    return Number.NaN;
  }
}

/** The whole process, and its main thread (the event loop: what bounds a Node server's throughput). */
const cpuMicrosOf = (pid: number) => ({ process: cpuMicrosIn(`/proc/${pid}/stat`), main: cpuMicrosIn(`/proc/${pid}/task/${pid}/stat`) });

/** A free loopback port (the tiny race between closing it and the child binding it is harmless here). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode} before serving`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}: not healthy after 30 s`);
}

/** Starts a child whose stdout and stderr go to a log file, as a service's logs would, not through us. */
async function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, port: number): Promise<Target> {
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", log, log] });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child);
  return {
    name,
    url,
    pid: child.pid!,
    cpuMicros: () => cpuMicrosOf(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface RealServerOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  logLevel?: string | undefined;
  /** Extra node flags for the server process, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Another built checkout to run instead of this one (bin/earthid.js and dist/), for A/B runs. */
  checkout?: string | undefined;
  name?: string;
}

/** Creates a live integration with the CLI, against the same data directory and database. */
export async function createIntegration({ dataDir, databaseUrl, checkout }: RealServerOptions): Promise<{ apiKey: string; sharedSecret: string }> {
  const env = { ...process.env, EARTHID_DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  const { stdout } = await run(process.execPath, [cliOf(checkout ?? root), "integrations", "create", "--name", "bench", "--callback", "https://www.myearth.id/", "--json"], { cwd: root, env });
  return JSON.parse(stdout) as { apiKey: string; sharedSecret: string };
}

/** `node bin/earthid.js serve` with its default settings, on a fresh data directory. */
export async function startRealServer(options: RealServerOptions): Promise<Target> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", EARTHID_DATA_DIR: options.dataDir };
  delete env.DATABASE_URL;
  delete env.LOG_LEVEL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (options.logLevel) env.LOG_LEVEL = options.logLevel;
  const name = options.name ?? "real";
  return startChild(name, [...(options.nodeArgs ?? []), cliOf(options.checkout ?? root), "serve"], env, path.join(options.dataDir, `${name}.log`), port);
}

/** A plain-JavaScript server of bench/ (`bare` or `floor`) answering a canned 201 of `cannedSize` bytes. */
async function startCannedServer(name: "bare" | "floor", cannedSize: number, logDir: string): Promise<Target> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), CANNED_SIZE: String(cannedSize) };
  return startChild(name, [path.join(root, "bench", `${name}-server.mjs`)], env, path.join(logDir, `${name}.log`), port);
}

/** The yardstick: bench/bare-server.mjs. */
export const startBareServer = (cannedSize: number, logDir: string) => startCannedServer("bare", cannedSize, logDir);

/** The lower bound: bench/floor-server.mjs, the bare route plus the duties every response carries. */
export const startFloorServer = (cannedSize: number, logDir: string) => startCannedServer("floor", cannedSize, logDir);

/** A fresh PostgreSQL database for one benchmark run, next to the one `adminUrl` names; `drop` removes it. */
export async function scratchDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
