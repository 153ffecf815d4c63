import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Server keys come from the environment or, failing that, from files generated once in the data
 * directory with mode 0600. Creation uses O_EXCL so two processes starting together agree on one key.
 */
function keyFile(dataDir: string, name: string, make: () => string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, name);
  try {
    writeFileSync(file, make(), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(file, "utf8").trim();
}

export function loadMasterKey(dataDir: string, configured: string | undefined): Buffer {
  const text = configured ?? keyFile(dataDir, "master.key", () => randomBytes(32).toString("hex") + "\n");
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error(`master key in ${path.join(dataDir, "master.key")} is not 32 bytes`);
  return key;
}

export function loadTokenSecret(dataDir: string, configured: string | undefined): Buffer {
  return Buffer.from(configured ?? keyFile(dataDir, "token.key", () => randomBytes(48).toString("base64url") + "\n"));
}
