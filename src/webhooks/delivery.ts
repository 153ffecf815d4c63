import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { AddressRefusedError, forbiddenReason, guardedLookup } from "./address-guard.js";

export interface WebhookRequest {
  url: string;
  body: Buffer;
  headers: Record<string, string>;
}

/** One attempt's result: a status code when the receiver answered, an error when it did not. */
export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** The start of the receiver's answer, when the sender was asked to keep it (`keepBodyBytes`). */
  body?: string;
}

export const isSuccess = (outcome: AttemptOutcome) => outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;

/** Posts one webhook; never throws, every failure is an outcome. */
export type SendWebhook = (request: WebhookRequest) => Promise<AttemptOutcome>;

export interface HttpSenderOptions {
  /** The whole attempt: lookup, connect, request and response. */
  timeoutMs: number;
  allowPrivate: boolean;
  /** Sockets kept open per receiver host (keep-alive). */
  maxSockets?: number;
  /** Keep up to this many bytes of each answer's body (a test delivery shows it); 0 keeps none. */
  keepBodyBytes?: number;
}

const USER_AGENT = "EarthID-Verify-Webhooks/1";

/**
 * Webhook POSTs over node:http(s) with keep-alive. Redirects are not followed (a 3xx is a failed
 * attempt): a redirect could lead anywhere, past the address guard's decision.
 */
export function httpSender({ timeoutMs, allowPrivate, maxSockets = 32, keepBodyBytes = 0 }: HttpSenderOptions): SendWebhook & { close(): void } {
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets }),
    "https:": new https.Agent({ keepAlive: true, maxSockets }),
  };

  const send = (request: WebhookRequest): Promise<AttemptOutcome> => {
    const started = performance.now();
    const kept: Buffer[] = [];
    let keptBytes = 0;
    const outcome = (statusCode: number | null, error: string | null): AttemptOutcome => ({
      statusCode,
      error,
      durationMs: Math.round(performance.now() - started),
      ...(keepBodyBytes > 0 && statusCode !== null ? { body: Buffer.concat(kept).toString("utf8") } : {}),
    });

    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.resolve(outcome(null, `invalid URL ${JSON.stringify(request.url)}`));
    }
    const protocol = url.protocol;
    if (protocol !== "http:" && protocol !== "https:") return Promise.resolve(outcome(null, `unsupported protocol ${protocol}`));
    // A literal IP is connected to without any lookup, so it is checked here, before a socket exists.
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (!allowPrivate && isIP(host)) {
      const reason = forbiddenReason(host);
      if (reason) return Promise.resolve(outcome(null, new AddressRefusedError(host, reason).message));
    }

    return new Promise((resolve) => {
      let settled = false;
      const finish = (statusCode: number | null, error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome(statusCode, error));
      };
      const req = (protocol === "https:" ? https : http).request(url, {
        method: "POST",
        agent: agents[protocol],
        headers: { ...request.headers, "content-length": String(request.body.length), "user-agent": USER_AGENT },
        ...(allowPrivate ? {} : { lookup: guardedLookup }),
      });
      const timer = setTimeout(() => {
        finish(null, `timeout: no complete response within ${timeoutMs} ms`);
        req.destroy();
      }, timeoutMs);
      req.once("error", (error: NodeJS.ErrnoException) => finish(null, error instanceof AddressRefusedError ? error.message : describeError(error)));
      req.once("response", (res) => {
        // Reading the body to the end lets the socket serve the next delivery; at most its start is kept.
        if (keepBodyBytes > 0) {
          res.on("data", (chunk: Buffer) => {
            if (keptBytes >= keepBodyBytes) return;
            kept.push(chunk.subarray(0, keepBodyBytes - keptBytes));
            keptBytes += Math.min(chunk.length, keepBodyBytes - keptBytes);
          });
        } else {
          res.resume();
        }
        res.once("end", () => finish(res.statusCode ?? null, isSuccessCode(res.statusCode) ? null : `HTTP ${res.statusCode}`));
        res.once("error", (error) => finish(null, describeError(error)));
      });
      req.end(request.body);
    });
  };

  return Object.assign(send, {
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  });
}

const isSuccessCode = (code: number | undefined) => code !== undefined && code >= 200 && code < 300;

function describeError(error: NodeJS.ErrnoException): string {
  // Connecting to several addresses of one name fails with an AggregateError, whose message is empty.
  const inner = error instanceof AggregateError ? (error.errors as NodeJS.ErrnoException[]) : [];
  const message = error.message || inner.map((e) => e.message).join("; ") || "connection failed";
  const code = error.code && !message.includes(error.code) ? `${error.code} ` : "";
  return `${code}${message}`.slice(0, 500);
}
