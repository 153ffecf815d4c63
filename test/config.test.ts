import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { runCli, spawnServer } from "./support/built-cli.js";
import { storeKind, testEnvironment } from "./support/server.js";

/** Configuration is checked once, at boot: a wrong setting stops `earthid serve` and says which. Child processes: generous timeouts. */
describe("configuration at boot", { timeout: 120_000 }, () => {
  let environment: Awaited<ReturnType<typeof testEnvironment>>;
  beforeAll(async () => {
    environment = await testEnvironment();
  });
  afterAll(() => environment.cleanup());

  const serve = (overrides: Record<string, string>) => runCli(["serve"], { ...environment.env, HOST: "127.0.0.1", PORT: "0", ...overrides });

  // The settings an operator gets wrong most, each through the real `earthid serve` process.
  it.each([
    ["PORT", "abc", /PORT must be an integer from 0 to 65535, got "abc"/],
    ["DATABASE_URL", "mysql://root@127.0.0.1/earthid", /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    ["PUBLIC_URL", "notaurl", /PUBLIC_URL must be an absolute http\(s\) URL, got "notaurl"/],
    ["EARTHID_TOKEN_SECRET", "too-short", /EARTHID_TOKEN_SECRET must be at least 32 bytes long/],
    ["EARTHID_MASTER_KEY", "not-a-key", /EARTHID_MASTER_KEY must be 32 bytes as 64 hex digits or base64/],
  ])("refuses %s=%j: non-zero exit, a message naming it", async (name, value, message) => {
    const result = await serve({ [name]: value });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^earthid: Invalid configuration: /);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });

  it("names DATABASE_URL, with its password masked, when the database cannot be reached", async () => {
    const result = await serve({ DATABASE_URL: "postgres://earthid:s3cret-pw@127.0.0.1:1/earthid" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cannot open the store (DATABASE_URL=postgres://earthid:***@127.0.0.1:1/earthid)");
    expect(result.stderr).not.toContain("s3cret-pw");
  });

  it("names EARTHID_DATA_DIR when the data directory cannot be used", async () => {
    const file = path.join(environment.dataDir, "a-file");
    writeFileSync(file, "");
    const result = await serve({ DATABASE_URL: "", EARTHID_DATA_DIR: path.join(file, "data") });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot open the store (EARTHID_DATA_DIR=${path.join(file, "data")}): ENOTDIR`);
  });

  it("prints help whatever the environment holds", async () => {
    const result = await runCli(["--help"], { PORT: "abc", DATABASE_URL: "mysql://x" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: earthid <command>");
  });

  it(`boots with good settings (on ${storeKind}), 64-hex or base64 master key, and stops cleanly on SIGTERM`, async () => {
    for (const masterKey of [randomBytes(32).toString("hex"), randomBytes(32).toString("base64")]) {
      const scratch = await testEnvironment();
      try {
        const server = await spawnServer({ ...scratch.env, EARTHID_MASTER_KEY: masterKey, EARTHID_TOKEN_SECRET: randomBytes(32).toString("hex"), LOG_LEVEL: "warn", EARTHID_ENGINE_WORKERS: "0" });
        const ready = await fetch(`${server.url}/ready`);
        expect(await ready.json()).toMatchObject({ status: "ready", store: storeKind });
        expect(await server.stop()).toEqual({ code: 0, signal: null });
      } finally {
        await scratch.cleanup();
      }
    }
  });

  describe("loadConfig", () => {
    it("applies the documented defaults", () => {
      const config = loadConfig({});
      expect(config).toMatchObject({ port: 8080, host: "0.0.0.0", publicUrl: "http://localhost:8080", databaseUrl: undefined, bodyLimit: 1_048_576 });
      expect(config.dataDir).toMatch(/\/data$/);
    });

    it("sizes the assessments of an instance by EARTHID_ENGINE_WORKERS: one per two cores unless set, 0 for none", () => {
      expect(loadConfig({}).engineWorkers).toBe(Math.max(1, Math.floor(availableParallelism() / 2)));
      expect(loadConfig({ EARTHID_ENGINE_WORKERS: "0" }).engineWorkers).toBe(0);
      expect(loadConfig({ EARTHID_ENGINE_WORKERS: "3" })).toMatchObject({ engineWorkers: 3, jobPollMs: 1000, jobRetentionDays: 7 });
    });

    it("derives PUBLIC_URL from PORT and drops a trailing slash", () => {
      expect(loadConfig({ PORT: "9000" }).publicUrl).toBe("http://localhost:9000");
      expect(loadConfig({ PUBLIC_URL: "https://verify.example.org/" }).publicUrl).toBe("https://verify.example.org");
    });

    it.each([
      ["PORT", "70000", /PORT must be an integer/],
      ["PORT", "-1", /PORT must be an integer/],
      ["DATABASE_URL", "postgres://[broken", /DATABASE_URL must be a postgres/],
      ["PUBLIC_URL", "ftp://verify.example.org", /PUBLIC_URL must use http or https/],
      ["PUBLIC_URL", "https://verify.example.org/?x=1", /PUBLIC_URL must not carry a query/],
      ["EARTHID_MASTER_KEY", "ab".repeat(31), /EARTHID_MASTER_KEY must be 32 bytes/],
      ["EARTHID_MASTER_KEY", `${"A".repeat(40)}!!!=`, /EARTHID_MASTER_KEY must be 32 bytes/],
      ["LOG_LEVEL", "loud", /LOG_LEVEL must be one of/],
      ["HOST", "not a host", /HOST must be an IP address or a host name/],
      ["EARTHID_ENGINE_WORKERS", "-1", /EARTHID_ENGINE_WORKERS must be an integer from 0 to 256/],
      ["EARTHID_ENGINE_WORKERS", "many", /EARTHID_ENGINE_WORKERS must be an integer/],
      ["EARTHID_BODY_LIMIT", "12", /EARTHID_BODY_LIMIT must be an integer from 1024/],
      ["EARTHID_WEBHOOK_RETRY_JITTER_PERCENT", "51", /EARTHID_WEBHOOK_RETRY_JITTER_PERCENT must be an integer from 0 to 50/],
      ["EARTHID_METRICS_TOKEN", "short", /EARTHID_METRICS_TOKEN must be at least 16 printable characters/],
      ["EARTHID_TRUST_PROXY", "10.0.0.0/33", /EARTHID_TRUST_PROXY must be .*not "10.0.0.0\/33"/],
      ["EARTHID_TRUST_PROXY", "loopback, proxy.example", /EARTHID_TRUST_PROXY must be .*not "proxy.example"/],
    ])("refuses %s=%j with a ConfigError naming it", (name, value, message) => {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(message);
    });

    it("believes forwarding headers from a proxy on this machine only, unless told otherwise", () => {
      expect(loadConfig({}).trustProxy).toEqual(["loopback"]);
      expect(loadConfig({ EARTHID_TRUST_PROXY: "false" }).trustProxy).toBe(false);
      expect(loadConfig({ EARTHID_TRUST_PROXY: "true" }).trustProxy).toBe(true);
      expect(loadConfig({ EARTHID_TRUST_PROXY: "2" }).trustProxy).toBe(2);
      expect(loadConfig({ EARTHID_TRUST_PROXY: "10.0.0.0/8, 192.168.1.7,fd00::/8,uniquelocal" }).trustProxy).toEqual(["10.0.0.0/8", "192.168.1.7", "fd00::/8", "uniquelocal"]);
    });

    it("takes the master key as 64 hex digits, base64 or base64url", () => {
      const key = randomBytes(32);
      for (const text of [key.toString("hex"), key.toString("base64"), key.toString("base64url")]) {
        expect(loadConfig({ EARTHID_MASTER_KEY: text }).masterKey).toBe(text);
      }
    });

    it("throws a ConfigError naming the setting", () => {
      expect(() => loadConfig({ PORT: "-1" })).toThrow(ConfigError);
      expect(() => loadConfig({ PORT: "-1" })).toThrow(/PORT/);
      expect(() => loadConfig({ EARTHID_TOKEN_SECRET: "x".repeat(31) })).toThrow(/EARTHID_TOKEN_SECRET/);
      expect(() => loadConfig({ EARTHID_TOKEN_SECRET: "x".repeat(32) })).not.toThrow();
    });
  });
});
