import { createHmac } from "node:crypto";
import http from "node:http";
import { expect } from "vitest";

/** The ids the service makes for rows (sessions, attempts, media, webhooks): RFC 9562 UUIDs of version 7. */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const sign = (secret: string, data: string | Buffer) => createHmac("sha256", secret).update(data).digest("hex");

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body (undefined when it is not JSON). */
  body: any;
}

export interface RequestOptions {
  /** Raw body: a string or a Buffer is sent as is; anything else is JSON.stringify'd. */
  body?: unknown;
  headers?: Record<string, string>;
  /** What to sign: "body" (default for POST/PATCH), a string (an id), or false for no signature. */
  signOver?: "body" | string | false;
  apiKey?: string | null;
  /** Content-Type sent with a body; null sends none. Default application/json. */
  contentType?: string | null;
  /**
   * Adds x-earthid-signature (our extensions, and every route of a strict integration) over method,
   * path and body, at `t` (unix seconds, default now) and with `secret` (default the client's).
   */
  stamp?: true | { t?: number; secret?: string } | undefined;
}

/** x-earthid-signature as an integrator's client makes it: t=<seconds>,v1=<HMAC of "t.METHOD.path?query.body">. */
export function stampRequest(secret: string, method: string, target: string, body: string | Buffer = "", t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${sign(secret, Buffer.concat([Buffer.from(`${t}.${method}.${target}.`), Buffer.from(body)]))}`;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An integrator's view of the API: requests carry its key and, unless told otherwise, the signature. */
export function apiClient(baseUrl: string, apiKey: string, secret: string) {
  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> => {
    const payload =
      options.body === undefined ? undefined : typeof options.body === "string" || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string> = {};
    const contentType = options.contentType === undefined ? "application/json" : options.contentType;
    if (payload !== undefined && contentType !== null) headers["content-type"] = contentType;
    const key = options.apiKey === undefined ? apiKey : options.apiKey;
    if (key !== null) headers["x-auth-client"] = key;
    const signOver = options.signOver ?? (payload !== undefined && !options.stamp ? "body" : false);
    if (signOver !== false) headers["x-hmac-signature"] = sign(secret, signOver === "body" ? payload ?? "" : signOver);
    if (options.stamp) {
      const { t, secret: stampSecret } = options.stamp === true ? {} : options.stamp;
      headers["x-earthid-signature"] = stampRequest(stampSecret ?? secret, method, new URL(`${baseUrl}${path}`).pathname + (path.includes("?") ? path.slice(path.indexOf("?")) : ""), payload ?? "", t);
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers: { ...headers, ...options.headers }, body: payload });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: parse(text) };
  };
  return {
    request,
    createSession: (verification: unknown = {}, options: RequestOptions = {}) =>
      request("POST", "/earthid/api/sessions", { signOver: false, ...options, body: { verification } }),
    /** GET /sessions/{id}, an extension: stamped. */
    getSession: (id: string, options: RequestOptions = {}) => request("GET", `/earthid/api/sessions/${id}`, { stamp: true, ...options }),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * A request exactly as given, through node:http: the path is not normalised (`..` stays), header
 * names keep their case (an array sends the header once per value), and nothing is added but Host
 * and the body's framing.
 */
export function rawRequest(baseUrl: string, options: { method: string; path: string; headers?: Record<string, string | string[]>; body?: string | Buffer }): Promise<ApiResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: options.method, path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
        }
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers, text, body: parse(text) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/**
 * A Veriff-style failure: the status, exactly `{"status":"fail","code","message"}` with the given
 * code, a message naming what was wrong, and no caching.
 */
export function expectFail(response: ApiResponse, status: number, code: string, messagePart: string | RegExp): void {
  const context = `${response.status} ${response.text.slice(0, 300)}`;
  expect(response.status, context).toBe(status);
  expect(response.headers.get("content-type"), context).toMatch(/^application\/json/);
  expect(Object.keys(response.body ?? {}).sort(), context).toEqual(["code", "message", "status"]);
  expect(response.body.status, context).toBe("fail");
  expect(response.body.code, context).toBe(code);
  if (typeof messagePart === "string") expect(response.body.message, context).toContain(messagePart);
  else expect(response.body.message, context).toMatch(messagePart);
  expect(response.headers.get("cache-control"), context).toBe("no-store");
}
