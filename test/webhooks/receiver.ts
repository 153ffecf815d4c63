import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hmacMatches } from "../../src/crypto/hmac.js";
import { verifyTimestampedSignature } from "../../src/webhooks/signing.js";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes, as text. */
  body: string;
  json: any;
  at: number;
}

/** What the receiver answers to one request: a status and a text body ("ok"), after an optional delay. */
export type Answer = (request: Received, index: number) => { status: number; delayMs?: number; body?: string };

/**
 * An integrator's webhook endpoint on loopback: records every request as received and answers as
 * told (200 by default). `listen` may reuse a port, to bring a receiver that was down back up.
 */
export async function startReceiver(options: { port?: number; answer?: Answer } = {}) {
  const received: Received[] = [];
  let answer: Answer = options.answer ?? (() => ({ status: 200 }));
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const entry: Received = { path: req.url ?? "", headers: req.headers, body, json, at: Date.now() };
      const index = received.push(entry) - 1;
      for (const waiter of waiters) waiter();
      const { status, delayMs = 0, body: answerBody = "ok" } = answer(entry, index);
      const reply = () => res.writeHead(status, { "content-type": "text/plain" }).end(answerBody);
      if (delayMs > 0) setTimeout(reply, delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    answerWith(next: Answer) {
      answer = next;
    },
    /** Resolves once `predicate` holds over what was received, or rejects after `timeoutMs`. */
    waitFor(predicate: (all: Received[]) => boolean, timeoutMs = 10_000): Promise<Received[]> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(received)) return;
          cleanup();
          resolve(received);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`receiver: condition not met within ${timeoutMs} ms (${received.length} received)`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * The three checks a Veriff integrator's receiver makes, each true or false: the HMAC of the raw
 * body, the HMAC of the body re-serialised from its parsed JSON (what many clients do), and the
 * timestamped signature of `t.body`.
 */
export function signatureChecks(secret: string, request: Received) {
  const signature = String(request.headers["x-hmac-signature"] ?? "");
  return {
    raw: hmacMatches(secret, request.body, signature),
    reserialised: request.json !== undefined && hmacMatches(secret, JSON.stringify(request.json), signature),
    vrfAlias: request.headers["vrf-hmac-signature"] === signature,
    timestamped: verifyTimestampedSignature(secret, String(request.headers["x-earthid-signature"] ?? ""), request.body),
  };
}

export const allSigned = { raw: true, reserialised: true, vrfAlias: true, timestamped: true };

/** A loopback port with nothing listening on it (connection refused). */
export async function closedPort(): Promise<number> {
  const probe = await startReceiver();
  await probe.close();
  return probe.port;
}

/** Polls `check` until it returns true (hooks cannot use expect.poll). */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
