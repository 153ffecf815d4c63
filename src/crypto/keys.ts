import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Keyring } from "./keyring.js";

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

/** The master keys (src/crypto/keyring.ts); master.key is generated on first start unless EARTHID_MASTER_KEY is set. */
export function loadMasterKeys(dataDir: string, configured: string | undefined, previous: readonly string[] = []): Keyring {
  if (configured === undefined) keyFile(dataDir, "master.key", () => randomBytes(32).toString("hex") + "\n");
  return new Keyring({ dataDir, configured, previous });
}

export function loadTokenSecret(dataDir: string, configured: string | undefined): Buffer {
  return Buffer.from(configured ?? keyFile(dataDir, "token.key", () => randomBytes(48).toString("base64url") + "\n"));
}
