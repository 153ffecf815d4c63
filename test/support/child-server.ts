import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { builtCli } from "./built-cli.js";

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

/** `node [nodeArgs] bin/earthid.js <args>` to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<CliRun> {
  const bin = await builtCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, bin, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ChildServer {
  url: string;
  pid: number;
  process: ChildProcess;
  /** Everything the process has written so far. */
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, and wait for the process to be gone. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
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
