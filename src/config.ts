import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import path from "node:path";

/** Everything the service reads from its environment, validated once at boot. */
export interface Config {
  port: number;
  host: string;
  /**
   * When set, the back-office (/admin) is served on this port only (0: any free port), at
   * adminHost, and not on the public one: operators keep it off the public network.
   */
  adminPort: number | undefined;
  adminHost: string;
  /** EARTHID_ADMIN_PREFIX: the path the back-office is served under ("/" only on its own port). */
  adminPrefix: string;
  /**
   * EARTHID_ADMIN_PUBLIC_URL: the origin users reach the admin port at (through a proxy). Its
   * scheme decides whether the back-office's cookies are Secure; unset, the connection decides.
   */
  adminPublicUrl: string | undefined;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  tokenSecret: string | undefined;
  masterKey: string | undefined;
  /** EARTHID_PREVIOUS_MASTER_KEYS: retired keys still needed to open what a rotation has not re-sealed yet. */
  previousMasterKeys: string[];
  /** How long backups are kept: a retired master key is destroyed only after this (keys rotate / prune). */
  backupRetentionDays: number;
  logLevel: string;
  sqliteSynchronous: "NORMAL" | "FULL";
  /** Largest JSON body accepted by API routes other than media upload, in bytes. */
  bodyLimit: number;
  /**
   * Which peers' X-Forwarded-For / -Proto / -Host are believed (the client address in the log):
   * addresses and ranges (proxy-addr's names loopback, linklocal, uniquelocal too), a hop count, or
   * true / false for every peer / none.
   */
  trustProxy: boolean | number | string[];
  /** When set, GET /metrics answers only requests with Authorization: Bearer <this>. */
  metricsToken: string | undefined;
  /** Unfinished sessions older than this are expired (never started) or abandoned (started). */
  unfinishedAfterSeconds: number;
  /** How often the sweepers (expiry, retention) run. */
  sweepIntervalSeconds: number;
  /** DELETE /sessions/{id} per integration, counted in the store (Veriff: 5 an hour, 10 a day); 0 = no limit. */
  deleteLimitPerHour: number;
  deleteLimitPerDay: number;
  /** Deliver webhooks to private, loopback and link-local addresses (tests, closed networks). */
  webhookAllowPrivate: boolean;
  /** One webhook attempt, connect to response; a claimed row's lease is three times this. */
  webhookTimeoutSeconds: number;
  /** Delays after the 1st, 2nd, … failed attempt (the last repeats), for webhookRetryForSeconds after creation. */
  webhookRetryDelaysSeconds: number[];
  webhookRetryForSeconds: number;
  /** The largest random spread of each retry delay, either way, as a fraction (0.1 = ±10%). */
  webhookRetryJitter: number;
  /** How often each instance looks for due retries and for webhooks other instances enqueued. */
  webhookPollMs: number;
  /** Webhook requests in flight at once, per instance. */
  webhookConcurrency: number;
  /** Media uploads read at once, per instance and per integration; past either, 429 with Retry-After. */
  uploadsInFlight: number;
  uploadsInFlightPerIntegration: number;
  /**
   * EARTHID_ENGINE_WORKERS: submitted attempts assessed at once by this instance (the engine's pool
   * size; default: one per two cores); 0: this instance claims no `verification.assess` job.
   */
  engineWorkers: number;
  /**
   * EARTHID_ENGINE_LEASE_SECONDS: how long a claimed `verification.assess` job is held before
   * another runner may take it (a worker that died). Keep it above the engine's time limit (60 s)
   * plus the wait for a free engine worker, or a slow run is started twice (decided once).
   */
  engineLeaseMs: number;
  /** How often each instance looks for due jobs, retries and jobs other instances enqueued. */
  jobPollMs: number;
  /** Done jobs are removed by the retention sweep this many days after they finished. */
  jobRetentionDays: number;
  /** Audit events older than this many days are deleted from the chain's old end; 0 keeps them forever. */
  auditRetentionDays: number;
}

export class ConfigError extends Error {
  constructor(name: string, problem: string) {
    super(`Invalid configuration: ${name} ${problem}`);
  }
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
// 32 bytes as hex, base64 or base64url; Node's base64 decoder skips stray characters, so the text is checked.
const MASTER_KEY_FORMS = [/^[0-9a-fA-F]{64}$/, /^[A-Za-z0-9+/]{43}=$/, /^[A-Za-z0-9_-]{43}$/];
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? "").toLowerCase();
  if (raw === "" || raw === "0" || raw === "false") return false;
  if (raw === "1" || raw === "true") return true;
  throw new ConfigError(name, `must be 1/true or 0/false, got "${env[name]}"`);
}

/** A comma-separated list of durations in seconds, fractions allowed: "10,60,300". */
function seconds(env: NodeJS.ProcessEnv, name: string, fallback: readonly number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw === "") return [...fallback];
  const values = raw.split(",").map((part) => part.trim());
  if (!values.every((value) => /^\d+(\.\d+)?$/.test(value) && Number(value) <= 86_400)) {
    throw new ConfigError(name, `must be a comma-separated list of seconds (0 to 86400), got "${raw}"`);
  }
  return values.map(Number);
}

const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isProxyRange(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry) || isIP(entry) !== 0) return true;
  const [address, bits, extra] = entry.split("/");
  const family = isIP(address ?? "");
  return extra === undefined && family !== 0 && /^\d{1,3}$/.test(bits ?? "") && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Default: only a proxy on this machine is believed. Trusting every peer would let any client that
 * reaches the port directly write the address of its choice into the log.
 */
function trustProxy(raw: string | undefined): Config["trustProxy"] {
  const value = (raw ?? "").trim().toLowerCase();
  if (value === "") return ["loopback"];
  if (value === "false" || value === "0") return false;
  if (value === "true") return true;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(",").map((entry) => entry.trim());
  const wrong = entries.filter((entry) => !isProxyRange(entry));
  if (wrong.length > 0) {
    throw new ConfigError("EARTHID_TRUST_PROXY", `must be true, false, a hop count, or addresses/ranges (loopback, linklocal, uniquelocal, 10.0.0.0/8, …); not ${wrong.map((w) => `"${w}"`).join(", ")}`);
  }
  return entries;
}

function publicUrl(raw: string, name = "PUBLIC_URL"): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(name, `must use http or https, got "${url.protocol}"`);
  }
  if (url.search || url.hash) throw new ConfigError(name, "must not carry a query or fragment");
  return raw.replace(/\/+$/, "");
}

export const DEFAULT_ADMIN_PREFIX = "/admin";
/** First path segments of the public port's own routes: the back-office's prefix must not take one. */
const PUBLIC_SEGMENTS = ["earthid", "v1", "v", "flow", "health", "ready", "metrics", "docs", "media"];

function adminPrefix(raw: string | undefined, ownPort: boolean): string {
  const prefix = raw || DEFAULT_ADMIN_PREFIX;
  const problem = (text: string) => new ConfigError("EARTHID_ADMIN_PREFIX", `${text}, got "${prefix}"`);
  if (!/^\/[A-Za-z0-9._~\/-]*$/.test(prefix)) throw problem('must be a path starting with "/" (letters, digits, . _ ~ - and /)');
  if (prefix !== "/" && prefix.endsWith("/")) throw problem('must not end with "/" (except "/" itself)');
  const segments = prefix.split("/").slice(1);
  if (prefix !== "/" && segments.some((segment) => segment === "" || segment === "." || segment === "..")) throw problem('must not hold empty, "." or ".." segments');
  if (!ownPort) {
    if (prefix === "/") throw problem('may be "/" only with EARTHID_ADMIN_PORT: on the public port the back-office needs a path of its own');
    if (PUBLIC_SEGMENTS.includes(segments[0]!.toLowerCase())) throw problem(`must not start with /${segments[0]}, a path of the public API, flow or operations`);
  }
  return prefix;
}

function listenHost(raw: string): string {
  if (isIP(raw) === 0 && !HOST_NAME.test(raw)) throw new ConfigError("HOST", `must be an IP address or a host name, got "${raw}"`);
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, "PORT", 8080, 0, 65535);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && (!/^postgres(ql)?:\/\//.test(databaseUrl) || !URL.canParse(databaseUrl))) {
    throw new ConfigError("DATABASE_URL", "must be a postgres:// or postgresql:// URL (leave it unset for the embedded SQLite store)");
  }
  const tokenSecret = env.EARTHID_TOKEN_SECRET || undefined;
  if (tokenSecret !== undefined && Buffer.byteLength(tokenSecret) < 32) {
    throw new ConfigError("EARTHID_TOKEN_SECRET", "must be at least 32 bytes long");
  }
  const masterKey = env.EARTHID_MASTER_KEY || undefined;
  if (masterKey !== undefined && !MASTER_KEY_FORMS.some((form) => form.test(masterKey))) {
    throw new ConfigError("EARTHID_MASTER_KEY", "must be 32 bytes as 64 hex digits or base64");
  }
  const previousMasterKeys = (env.EARTHID_PREVIOUS_MASTER_KEYS || "").split(",").map((key) => key.trim()).filter((key) => key !== "");
  if (!previousMasterKeys.every((key) => MASTER_KEY_FORMS.some((form) => form.test(key)))) {
    throw new ConfigError("EARTHID_PREVIOUS_MASTER_KEYS", "must be keys of 32 bytes (64 hex digits or base64), comma-separated");
  }
  const metricsToken = env.EARTHID_METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(metricsToken)) {
    throw new ConfigError("EARTHID_METRICS_TOKEN", "must be at least 16 printable characters without spaces");
  }
  const logLevel = env.LOG_LEVEL || "info";
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}`);
  const sync = (env.EARTHID_SQLITE_SYNCHRONOUS || "NORMAL").toUpperCase();
  if (sync !== "NORMAL" && sync !== "FULL") throw new ConfigError("EARTHID_SQLITE_SYNCHRONOUS", "must be NORMAL or FULL");
  const adminPort = env.EARTHID_ADMIN_PORT ? integer(env, "EARTHID_ADMIN_PORT", 0, 0, 65535) : undefined;
  if (env.EARTHID_ADMIN_PUBLIC_URL && adminPort === undefined) throw new ConfigError("EARTHID_ADMIN_PUBLIC_URL", "applies only with EARTHID_ADMIN_PORT (on the public port the back-office is at PUBLIC_URL)");
  if (adminPort !== undefined && adminPort !== 0 && adminPort === port) throw new ConfigError("EARTHID_ADMIN_PORT", `must differ from PORT (${port}): it serves the back-office apart from the public port`);
  return {
    port,
    host: listenHost(env.HOST || "0.0.0.0"),
    adminPort,
    adminHost: listenHost(env.EARTHID_ADMIN_HOST || "127.0.0.1"),
    adminPrefix: adminPrefix(env.EARTHID_ADMIN_PREFIX, adminPort !== undefined),
    adminPublicUrl: env.EARTHID_ADMIN_PUBLIC_URL ? publicUrl(env.EARTHID_ADMIN_PUBLIC_URL, "EARTHID_ADMIN_PUBLIC_URL") : undefined,
    publicUrl: publicUrl(env.PUBLIC_URL || `http://localhost:${port}`),
    dataDir: path.resolve(env.EARTHID_DATA_DIR || "./data"),
    databaseUrl,
    tokenSecret,
    masterKey,
    previousMasterKeys,
    backupRetentionDays: integer(env, "EARTHID_BACKUP_RETENTION_DAYS", 30, 0, 36_500),
    logLevel,
    sqliteSynchronous: sync,
    bodyLimit: integer(env, "EARTHID_BODY_LIMIT", 1_048_576, 1024, 64 * 1_048_576),
    trustProxy: trustProxy(env.EARTHID_TRUST_PROXY),
    metricsToken,
    unfinishedAfterSeconds: integer(env, "EARTHID_UNFINISHED_AFTER_SECONDS", 604_800, 1, 31_536_000),
    sweepIntervalSeconds: integer(env, "EARTHID_SWEEP_INTERVAL_SECONDS", 60, 1, 86_400),
    deleteLimitPerHour: integer(env, "EARTHID_DELETE_LIMIT_PER_HOUR", 5, 0, 1_000_000),
    deleteLimitPerDay: integer(env, "EARTHID_DELETE_LIMIT_PER_DAY", 10, 0, 1_000_000),
    webhookAllowPrivate: flag(env, "EARTHID_WEBHOOK_ALLOW_PRIVATE"),
    webhookTimeoutSeconds: integer(env, "EARTHID_WEBHOOK_TIMEOUT_SECONDS", 10, 1, 60),
    webhookRetryDelaysSeconds: seconds(env, "EARTHID_WEBHOOK_RETRY_DELAYS", [10, 60, 300, 1800, 3600]),
    webhookRetryForSeconds: integer(env, "EARTHID_WEBHOOK_RETRY_FOR_SECONDS", 604_800, 0, 31_536_000),
    webhookRetryJitter: integer(env, "EARTHID_WEBHOOK_RETRY_JITTER_PERCENT", 10, 0, 50) / 100,
    webhookPollMs: integer(env, "EARTHID_WEBHOOK_POLL_MS", 1000, 10, 60_000),
    webhookConcurrency: integer(env, "EARTHID_WEBHOOK_CONCURRENCY", 16, 1, 256),
    // About 100 MB each at the 24 MiB limit (body, decoded image, sealed file): about 1.2 GB at most.
    uploadsInFlight: integer(env, "EARTHID_UPLOADS_IN_FLIGHT", 12, 1, 1024),
    uploadsInFlightPerIntegration: integer(env, "EARTHID_UPLOADS_IN_FLIGHT_PER_INTEGRATION", 8, 1, 1024),
    // One per two cores: a verification keeps two threads busy (README, Decisions: workers and memory).
    engineWorkers: integer(env, "EARTHID_ENGINE_WORKERS", Math.max(1, Math.floor(availableParallelism() / 2)), 0, 256),
    engineLeaseMs: integer(env, "EARTHID_ENGINE_LEASE_SECONDS", 300, 2, 86_400) * 1000,
    jobPollMs: integer(env, "EARTHID_JOB_POLL_MS", 1000, 10, 60_000),
    jobRetentionDays: integer(env, "EARTHID_JOB_RETENTION_DAYS", 7, 1, 3650),
    auditRetentionDays: integer(env, "EARTHID_AUDIT_RETENTION_DAYS", 0, 0, 36_500),
  };
}
