import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sign } from "../../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../../support/server.js";
import { download, makeJpeg, newSession, upload } from "../../media/images.js";

/**
 * Issue 14, proof: every JSON route fed generated hostile bodies (deep nesting, huge numbers,
 * prototype keys, lone surrogates, NUL, duplicate keys, invalid UTF-8, truncation), signed as the
 * route asks or not. None may answer 5xx or hang; every refusal is Veriff-style; the server serves
 * as before afterwards. Seeded, so a failure replays.
 */
const CASES_PER_ROUTE = Number(process.env.EARTHID_FUZZ_CASES ?? 150);

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Piece = string | Buffer;
const join = (pieces: Piece[]) => Buffer.concat(pieces.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const keys = ["verification", "image", "person", "document", "firstName", "vendorData", "callback", "status", "context", "content", "type", "country", "__proto__", "constructor", "prototype", "x"];
  const leaves: Array<() => Piece> = [
    () => `${"[".repeat(50 + Math.floor(random() * 20_000))}${"]".repeat(0)}`, // unbalanced deep
    () => {
      const n = 30 + Math.floor(random() * 6_000);
      return `${"[".repeat(n)}${"]".repeat(n)}`;
    },
    () => {
      const n = 30 + Math.floor(random() * 3_000);
      return `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
    },
    () => pick(["1e400", "-1e309", "123456789012345678901234567890", "1.7976931348623157e309", "-0", "0.0000000000000000000000000001", "9007199254740993", "1E+999999999"]),
    () => pick(['"\\ud800"', '"x\\udc00y"', '"\\ud83d"', '"\\u0000"', '"a\\u0000b"', '"\\u0001\\u001f\\u007f"', '"\\u0085"']),
    () => Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), // a surrogate as CESU-8: not UTF-8
    () => Buffer.from([0x22, 0xff, 0xfe, 0x22]),
    () => Buffer.from([0x22, 0xc0, 0xaf, 0x22]), // overlong "/"
    () => Buffer.from([0x22, 0x61, 0x00, 0x62, 0x22]), // a raw NUL inside a string: not JSON
    () => `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`,
    () => `{"${pick(keys)}":1,"${pick(keys)}":"dup","${pick(keys)}":null}`,
    () => pick(["null", "true", "false", "[]", "{}", '""', '"face"', '"submitted"', '"PASSPORT"', '"https://shop.example/"', '"http://10.0.0.1/"']),
    () => JSON.stringify("x".repeat(Math.floor(random() * 200_000))),
    () => JSON.stringify(String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(random() * 0x10000)))),
  ];
  const value = (depth: number): Piece[] => {
    if (depth > 3 || random() < 0.45) return [pick(leaves)()];
    if (random() < 0.3) {
      const items = Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return ["[", ...items.flatMap((item, i) => (i ? [",", ...item] : item)), "]"];
    }
    const fields = Array.from({ length: Math.floor(random() * 5) }, () => [`"${pick(keys)}":`, ...value(depth + 1)]);
    return ["{", ...fields.flatMap((field, i) => (i ? [",", ...field] : field)), "}"];
  };
  /** A body around the route's own shape, then sometimes truncated or with a byte flipped. */
  return (shape: (inner: () => Piece[]) => Piece[]): Buffer => {
    let body = join(shape(() => value(0)));
    const roll = random();
    if (roll < 0.1) body = body.subarray(0, Math.floor(random() * body.length));
    else if (roll < 0.2 && body.length > 0) {
      body = Buffer.from(body);
      body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
    }
    return body;
  };
}

describe("fuzzing every JSON route with hostile bodies", () => {
  let server: TestServer;
  let shop: TestIntegration;
  let sessionId: string;
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ isTest: true });
    sessionId = await newSession(shop);
  });
  afterAll(() => server.close());

  it(`${CASES_PER_ROUTE} bodies per route, both prefixes: no 5xx, no hang, Veriff-style refusals, and the service serves afterwards`, async () => {
    const next = generator(prng(0x14));
    const routes: Array<{ method: string; path: string; signed: boolean; shape: (inner: () => Piece[]) => Piece[] }> = [
      { method: "POST", path: "/sessions", signed: false, shape: (inner) => ['{"verification":', ...inner(), "}"] },
      { method: "PATCH", path: `/sessions/${sessionId}`, signed: true, shape: (inner) => ['{"verification":{"status":', ...inner(), "}}"] },
      { method: "POST", path: `/sessions/${sessionId}/media`, signed: true, shape: (inner) => ['{"image":{"context":', ...inner(), ',"content":', ...inner(), "}}"] },
      { method: "POST", path: "/webhooks/deliveries/0f0e0d0c-0b0a-4909-8807-060504030201/resend", signed: true, shape: (inner) => inner() },
    ];
    const statuses = new Map<number, number>();
    let cases = 0;
    for (const route of routes) {
      for (let i = 0; i < CASES_PER_ROUTE; i++) {
        const body = next(route.shape);
        const prefix = i % 2 ? "/v1" : "/earthid/api";
        // Mostly signed as the route asks, so that the body is read; now and then not.
        const signature = i % 7 === 6 ? sign(shop.sharedSecret, "not the body") : sign(shop.sharedSecret, body);
        const res = await fetch(`${server.url}${prefix}${route.path}`, {
          method: route.method,
          headers: { "content-type": "application/json", "x-auth-client": shop.apiKey, ...(route.signed || i % 3 === 0 ? { "x-hmac-signature": signature } : {}) },
          body,
        });
        const text = await res.text();
        cases++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const replay = `${route.method} ${route.path} #${i} (${body.length} bytes: ${body.subarray(0, 120).toString("latin1")}): ${res.status} ${text.slice(0, 200)}`;
        expect(res.status, replay).toBeLessThan(500);
        if (res.status >= 400) {
          const parsed = JSON.parse(text) as Record<string, unknown>;
          expect(Object.keys(parsed).sort(), replay).toEqual(["code", "message", "status"]);
          expect(parsed.status, replay).toBe("fail");
        }
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The service serves as before: a session, an upload and its download.
    const jpeg = await makeJpeg();
    const fresh = await newSession(shop);
    const uploaded = await upload(shop, fresh, jpeg);
    expect(uploaded.status, uploaded.text).toBe(201);
    expect((await download(server.url, shop, uploaded.body.image.id)).bytes.equals(jpeg)).toBe(true);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    console.log(`fuzz: ${cases} cases; answers ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  }, 300_000);
});
