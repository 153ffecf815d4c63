import { createHmac } from "node:crypto";

export const sign = (secret: string, data: string | Buffer) => createHmac("sha256", secret).update(data).digest("hex");

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body (undefined when it is not JSON). */
  body: any;
}

export interface RequestOptions {
  /** Raw body text; objects are JSON.stringify'd. */
  body?: unknown;
  headers?: Record<string, string>;
  /** What to sign: "body" (default for POST/PATCH), a string (an id), or false for no signature. */
  signOver?: "body" | string | false;
  apiKey?: string | null;
}

/** An integrator's view of the API: requests carry its key and, unless told otherwise, the signature. */
export function apiClient(baseUrl: string, apiKey: string, secret: string) {
  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> => {
    const payload = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string> = {};
    if (payload !== undefined) headers["content-type"] = "application/json";
    const key = options.apiKey === undefined ? apiKey : options.apiKey;
    if (key !== null) headers["x-auth-client"] = key;
    const signOver = options.signOver ?? (payload !== undefined ? "body" : false);
    if (signOver !== false) headers["x-hmac-signature"] = sign(secret, signOver === "body" ? payload ?? "" : signOver);
    const response = await fetch(`${baseUrl}${path}`, { method, headers: { ...headers, ...options.headers }, body: payload });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, text, body };
  };
  return {
    request,
    createSession: (verification: unknown = {}, options: RequestOptions = {}) =>
      request("POST", "/earthid/api/sessions", { signOver: false, ...options, body: { verification } }),
    getSession: (id: string, options: RequestOptions = {}) => request("GET", `/earthid/api/sessions/${id}`, { signOver: id, ...options }),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
