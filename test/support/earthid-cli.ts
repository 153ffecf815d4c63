import { execFile, spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The CLI exactly as an operator runs it: `node bin/earthid.js …` from the repository root, over the
 * dist/ that `npm run build` produces.
 */
export const repoRoot = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const bin = path.join(repoRoot, "bin", "earthid.js");
const builtEntry = path.join(repoRoot, "dist", "cli", "main.js");
const lock = path.join(repoRoot, "dist", ".test-build-lock");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(builtEntry).mtimeMs;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `npm run build` when dist/ is missing or older than src/, so these tests never exercise a
 * stale build. Test processes running side by side take turns through a lock directory.
 */
async function buildIfStale(): Promise<void> {
  if (builtAt() > newestSource(path.join(repoRoot, "src"))) return;
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process builds; a lock older than two minutes belongs to one that died.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        // Released meanwhile.
      }
      await sleep(200);
    }
  }
  try {
    if (builtAt() > newestSource(path.join(repoRoot, "src"))) return;
    const output = await new Promise<string>((resolve) =>
      execFile("npm", ["run", "build"], { cwd: repoRoot }, (error, stdout, stderr) => resolve(error ? `${stdout}${stderr}` : "")),
    );
    // tsc still emits when someone else's work in progress has a type error; the typecheck reports it.
    if (builtAt() === 0) throw new Error(`npm run build produced no dist/cli/main.js:\n${output}`);
  } finally {
    rmdirSync(lock);
  }
}

let built: Promise<void> | undefined;
export const ensureBuilt = () => (built ??= buildIfStale());

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/earthid.js <args>` to completion, with `env` over the test process's environment. */
export async function runEarthid(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<CliResult> {
  await ensureBuilt();
  return runProcess(process.execPath, [bin, ...args], env, timeoutMs);
}

export function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<CliResult> {
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

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface ServeProcess {
  url: string;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** `node bin/earthid.js serve` on a free loopback port, resolved once /health answers. */
export async function serveEarthid(env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  await ensureBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [bin, "serve"], {
    cwd: repoRoot,
    env: { ...process.env, HOST: "127.0.0.1", PUBLIC_URL: url, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const server: ServeProcess = {
    url,
    output: () => output,
    async stop() {
      if (!gone) child.kill("SIGTERM");
      return exited;
    },
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (gone) throw new Error(`earthid serve exited early (code ${await exited}):\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return server;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`earthid serve did not answer /health within 20 s:\n${output}`);
    }
    await sleep(50);
  }
}
