import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The earthid CLI and server as real child processes, for every test that needs one: the build they
 * run, `runCli`, `spawnServer` and what a first start prints.
 */
export const repoRoot = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));

/**
 * Compiled copies live inside node_modules so that their imports resolve to the repository's
 * dependencies, one directory per content hash of what goes into the build.
 */
const cacheRoot = path.join(repoRoot, "node_modules", ".cache", "earthid-cli");
/** The hosted flow's browser bundle (built by the vitest global setup), served from ../../web/flow/build of dist/flow/. */
const FLOW_BUILD = path.join("web", "flow", "build");
const INPUTS = ["src", "bin/earthid.js", "tsconfig.json", "tsconfig.build.json", "package.json", FLOW_BUILD];

function filesUnder(entry: string): string[] {
  const full = path.join(repoRoot, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((child) => filesUnder(path.join(entry, child.name)));
}

function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(filesUnder)) hash.update(`${file}\0`).update(readFileSync(path.join(repoRoot, file))).update("\0");
  return hash.digest("hex").slice(0, 16);
}

function compile(outDir: string): Promise<string> {
  const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noCheck", "--outDir", path.join(outDir, "dist")], { cwd: repoRoot }, (error, stdout, stderr) =>
      resolve(error ? `${stdout}${stderr}`.trim() || error.message : ""),
    );
  });
}

let built: Promise<string> | undefined;

/**
 * `bin/earthid.js` as it runs after `npm run build`, but compiled from the src/ of this moment into
 * a private directory, so a child-process test never runs a stale dist/ and never races anyone
 * else's build of it. Unchanged sources reuse the last build. Emitted without type checking (about
 * four times faster): types are the typecheck's business, not this build's.
 * EARTHID_TEST_CLI=bin/earthid.js runs the tests against the real dist/ instead (or any other build).
 */
export function builtCli(): Promise<string> {
  const given = process.env.EARTHID_TEST_CLI;
  if (given) return Promise.resolve(path.resolve(repoRoot, given));
  built ??= (async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const hash = sourceHash();
      const target = path.join(cacheRoot, hash);
      const bin = path.join(target, "bin", "earthid.js");
      if (existsSync(bin)) return bin;
      const staging = path.join(cacheRoot, `.staging-${process.pid}-${attempt}`);
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(path.join(staging, "bin"), { recursive: true });
      const problems = await compile(staging);
      if (!existsSync(path.join(staging, "dist", "cli", "main.js"))) throw new Error(`build of the CLI failed:\n${problems}`);
      if (problems) process.stderr.write(`built-cli: tsc reported problems (the CLI was emitted anyway):\n${problems}\n`);
      copyFileSync(path.join(repoRoot, "bin", "earthid.js"), path.join(staging, "bin", "earthid.js"));
      if (existsSync(path.join(repoRoot, FLOW_BUILD))) cpSync(path.join(repoRoot, FLOW_BUILD), path.join(staging, FLOW_BUILD), { recursive: true });
      // Inside node_modules the repository's package.json is not consulted: restate the module type.
      writeFileSync(path.join(staging, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
      // Someone saved a file while tsc ran, so this output may match no hash: build again, but not
      // forever while others keep editing; the last try is used as it is, and never shared.
      if (sourceHash() !== hash) {
        if (attempt === 2) return path.join(staging, "bin", "earthid.js");
        rmSync(staging, { recursive: true, force: true });
        continue;
      }
      try {
        renameSync(staging, target);
      } catch {
        // A concurrent test process published the same hash first; theirs is as good as ours.
        rmSync(staging, { recursive: true, force: true });
      }
      pruneOldBuilds(hash);
      return bin;
    }
    throw new Error("unreachable");
  })();
  return built;
}

/** Builds of other source states older than a day are dropped; recent ones may be in use. */
function pruneOldBuilds(keep: string): void {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(cacheRoot)) {
    if (name === keep) continue;
    const dir = path.join(cacheRoot, name);
    try {
      if (statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `command <args>` from the repository root to completion, with `env` over the test process's
 * environment. Killed after `timeoutMs` so that a hung child fails its test instead of outliving it.
 */
export function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `node [nodeArgs] bin/earthid.js <args>` (the builtCli() build) to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<CliRun> {
  return runProcess(process.execPath, [...nodeArgs, await builtCli(), ...args], env);
}

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export interface ChildServer {
  url: string;
  pid: number;
  process: ChildProcess;
  /** Everything the process has written so far. */
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** SIGTERM, and wait for the process to be gone. */
  stop(): Promise<Exit>;
}

/**
 * `node [nodeArgs] bin/earthid.js serve` as a real child process on a loopback port, resolved once
 * /health answers. `env` is what testEnvironment() gives (data dir, database); PORT, HOST and
 * PUBLIC_URL are set here unless given.
 */
export async function spawnServer(env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<ChildServer> {
  const bin = await builtCli();
  const port = env.PORT && env.PORT !== "0" ? Number(env.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, bin, "serve"], {
    cwd: repoRoot,
    env: { ...process.env, HOST: "127.0.0.1", PUBLIC_URL: url, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let gone = false;
  // If the test process ends without stopping it (a crash, a timeout), the server goes too.
  const reap = () => void (gone || child.kill("SIGKILL"));
  process.once("exit", reap);
  const exited = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => {
      gone = true;
      process.off("exit", reap);
      resolve({ code, signal });
    }),
  );
  const server: ChildServer = {
    url,
    pid: child.pid!,
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop() {
      if (!gone) child.kill("SIGTERM");
      return exited;
    },
  };

  // Generous: a loaded CI machine can take seconds just to load the modules.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gone) throw new Error(`earthid serve exited before answering /health (${JSON.stringify(await exited)}):\n${stderr}${stdout}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return server;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`earthid serve did not answer /health within 30 s:\n${stderr}${stdout}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface DemoIntegration {
  id: string;
  apiKey: string;
  sharedSecret: string;
}

/** The keys of the demo integration from the banner a first start prints on stdout. */
export function demoBanner(stdout: string): DemoIntegration | undefined {
  const field = (label: string) => new RegExp(`^\\s*${label}:\\s*(\\S+)\\s*$`, "m").exec(stdout)?.[1];
  const id = field("integration id");
  const apiKey = field("API key");
  const sharedSecret = field("shared secret");
  return id && apiKey && sharedSecret ? { id, apiKey, sharedSecret } : undefined;
}
