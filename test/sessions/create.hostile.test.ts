import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { type ApiResponse, expectFail, rawRequest } from "../support/client.js";
import { openInitData, openSessionKey } from "../../src/sessions/init-data.js";

/**
 * Whatever is thrown at the create route, the answer is a Veriff-style 4xx naming what was wrong,
 * never a 500, and the sessions created before are still there afterwards.
 */
describe("POST /earthid/api/sessions under hostile input", () => {
  let server: TestServer;
  let shop: TestIntegration;
  const earlier: { id: string; vendorData: string }[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "shop" });
    for (const vendorData of ["before-1", "before-2", "before-3"]) {
      const res = await shop.api.createSession({ vendorData, person: { firstName: "Ann" } });
      earlier.push({ id: res.body.verification.id, vendorData });
    }
  });
  afterAll(() => server.close());

  const send = (body: string | Buffer, options: { contentType?: string | null } = {}) =>
    shop.api.request("POST", "/earthid/api/sessions", { body, signOver: false, ...options });
  const json = (verification: unknown) => send(JSON.stringify({ verification }));

  describe("wrong types at every field", () => {
    const wrong = [42, true, [], {}, ["x"]];
    const fields: [path: string[], field: string, code: string][] = [
      [["callback"], "verification.callback", "1104"],
      [["vendorData"], "verification.vendorData", "1501"],
      [["endUserId"], "verification.endUserId", "1104"],
      [["lang"], "verification.lang", "1104"],
      [["timestamp"], "verification.timestamp", "1202"],
      [["person", "firstName"], "verification.person.firstName", "1104"],
      [["person", "lastName"], "verification.person.lastName", "1104"],
      [["person", "idNumber"], "verification.person.idNumber", "1104"],
      [["person", "dateOfBirth"], "verification.person.dateOfBirth", "1203"],
      [["person", "email"], "verification.person.email", "1104"],
      [["person", "phoneNumber"], "verification.person.phoneNumber", "1104"],
      [["document", "type"], "verification.document.type", "2103"],
      [["document", "country"], "verification.document.country", "2104"],
    ];
    for (const [path, field, code] of fields) {
      it(`${field} refuses ${wrong.map((w) => JSON.stringify(w)).join(", ")} with ${code}`, async () => {
        for (const value of wrong) {
          const verification = path.length === 1 ? { [path[0]!]: value } : { [path[0]!]: { [path[1]!]: value } };
          expectFail(await json(verification), 400, code, field);
        }
      });
    }

    it.each([[42], ["PASSPORT"], [[]], [true]])("person and document refuse %j with 1104", async (value) => {
      expectFail(await json({ person: value }), 400, "1104", "verification.person must be object or null");
      expectFail(await json({ document: value }), 400, "1104", "verification.document must be object or null");
    });

    it("features refuses non-string items with 1104", async () => {
      expectFail(await json({ features: [1] }), 400, "1104", "verification.features.0 must be string");
      expectFail(await json({ features: [null] }), 400, "1104", "verification.features.0");
    });

    it.each([["null"], ["[]"], ['"verification"'], ["0"], ["true"], ['[{"verification":{}}]']])("a body of %s is refused with 1104", async (body) => {
      expectFail(await send(body), 400, "1104", "body must be object");
    });
  });

  describe("huge and strange strings", () => {
    it("refuses over-long text, naming the field", async () => {
      expectFail(await json({ person: { firstName: "A".repeat(100_000) } }), 400, "1104", "verification.person.firstName must be at most 255 characters");
      expectFail(await json({ callback: `https://shop.example/${"a".repeat(5000)}` }), 400, "1104", "verification.callback must be at most 2048 characters");
      expectFail(await json({ features: Array(11).fill("selfid") }), 400, "1301", "verification.features");
    });

    it.each([
      ["a NUL in vendorData", { vendorData: "a\u0000b" }, "verification.vendorData"],
      ["a NUL in the callback", { callback: "https://shop.example/\u0000" }, "verification.callback"],
      ["a NUL in a name", { person: { firstName: "An\u0000n" } }, "verification.person.firstName"],
      ["a lone surrogate in vendorData", { vendorData: "\ud800" }, "verification.vendorData"],
      ["a lone low surrogate in a name", { person: { lastName: "x\udc00" } }, "verification.person.lastName"],
    ])("refuses %s with 1104 naming the field", async (_label, verification, field) => {
      expectFail(await json(verification), 400, "1104", `${field} must be well-formed text without NUL characters`);
    });

    it("keeps astral characters, right-to-left text and control-free Unicode intact", async () => {
      const vendorData = "𝕏 ‮עברית‬ 😀 Zoë ﷽";
      const res = await json({ vendorData });
      expect(res.status).toBe(201);
      expect(res.body.verification.vendorData).toBe(vendorData);
      expect((await shop.api.getSession(res.body.verification.id)).body.verification.vendorData).toBe(vendorData);
    });

    it("refuses a body that is not UTF-8 with 1906", async () => {
      const body = Buffer.concat([Buffer.from('{"verification":{"vendorData":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}}')]);
      expectFail(await send(body), 400, "1906", "not valid UTF-8");
      const latin1 = Buffer.from('{"verification":{"vendorData":"Zoë"}}', "latin1");
      expectFail(await send(latin1), 400, "1906", "not valid UTF-8");
    });
  });

  describe("structure", () => {
    it("survives deep nesting in an unknown field", async () => {
      const deep = `{"verification":{"vendorData":"deep","x":${"[".repeat(200_000)}${"]".repeat(200_000)}}}`;
      const res = await send(deep);
      expect(res.status, res.text).toBe(201);
      expect(res.body.verification.vendorData).toBe("deep");
    });

    it("survives deep nesting inside person and document, where unknown fields are dropped", async () => {
      const nest = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
      const res = await send(`{"verification":{"person":{"firstName":"Ann","extra":${nest(100_000)}},"document":{"type":"PASSPORT","x":${nest(50_000)}}}}`);
      expect(res.status, res.text).toBe(201);
      expect(await storedInitData(server, res.body.verification.id)).toEqual({ person: { firstName: "Ann" }, document: { type: "PASSPORT" } });
    });

    it("refuses deep nesting where a string belongs", async () => {
      expectFail(await send(`{"verification":{"vendorData":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`), 400, "1501", "verification.vendorData");
    });

    it("takes the last of duplicate keys, as JSON.parse does", async () => {
      const res = await send('{"verification":{"vendorData":"first","vendorData":"last"}}');
      expect(res.status).toBe(201);
      expect(res.body.verification.vendorData).toBe("last");
      expectFail(await send('{"verification":{},"verification":null}'), 400, "1104", "verification must be object");
    });

    it("drops __proto__ and constructor.prototype keys without polluting anything", async () => {
      for (const body of [
        '{"__proto__":{"polluted":true},"verification":{"vendorData":"p1"}}',
        '{"verification":{"__proto__":{"vendorData":42},"vendorData":"p2"}}',
        '{"verification":{"constructor":{"prototype":{"polluted":true}},"person":{"__proto__":{"isAdmin":true},"firstName":"Eve"}}}',
      ]) {
        const res = await send(body);
        expect(res.status, body).toBe(201);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      // A value hidden behind __proto__ is neither validated nor used.
      const hidden = await send(`{"verification":{"__proto__":{"vendorData":"${"x".repeat(2000)}"}}}`);
      expect(hidden.status).toBe(201);
      expect(hidden.body.verification.vendorData).toBeNull();
      const person = await send('{"verification":{"person":{"__proto__":{"isAdmin":true},"firstName":"Eve"}}}');
      expect(await storedInitData(server, person.body.verification.id)).toEqual({ person: { firstName: "Eve" } });
    });

    it("ignores a huge number of unknown keys", async () => {
      const keys = Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(",");
      const res = await send(`{"verification":{${keys},"vendorData":"many"}}`);
      expect(res.status).toBe(201);
      expect(res.body.verification.vendorData).toBe("many");
    });
  });

  describe("the body as a whole", () => {
    it("refuses a 2 MB body with 413 before reading it", async () => {
      const res = await send(JSON.stringify({ verification: { vendorData: "a".repeat(2 * 1024 * 1024) } }));
      expectFail(res, 413, "1902", "Request body is larger than 1048576 bytes");
    });

    it("refuses an empty body with 1906", async () => {
      expectFail(await send(""), 400, "1906", "the body is empty");
    });

    it("refuses no body and no content type at all with a 4xx naming the body", async () => {
      const res = await shop.api.request("POST", "/earthid/api/sessions", { signOver: false });
      expectFail(res, 400, "1104", "body must be object");
    });

    it("refuses a missing or foreign content type with 415", async () => {
      expectFail(await send('{"verification":{}}', { contentType: null }), 415, "1903", "Content-Type must be application/json");
      for (const contentType of ["text/plain", "application/jsonp", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]) {
        expectFail(await send('{"verification":{}}', { contentType }), 415, "1903", "Content-Type");
      }
    });

    it("takes application/json with parameters and in any case", async () => {
      expect((await send('{"verification":{}}', { contentType: "application/json; charset=utf-8" })).status).toBe(201);
      expect((await send('{"verification":{}}', { contentType: "Application/JSON" })).status).toBe(201);
    });

    it.each([['{"verification":'], ["{verification:{}}"], ["{'verification':{}}"], ['{"verification":{}} trailing'], ["\u0000"], ['{"verification":{"vendorData":"\u0001"}}']])(
      "refuses malformed JSON %j with 1906",
      async (body) => {
        expectFail(await send(body), 400, "1906", "Request body is not valid JSON");
      },
    );

    it("refuses a wrong method on the route with a Veriff-style 404", async () => {
      for (const method of ["PUT", "DELETE", "PATCH"]) {
        const res = await shop.api.request(method, "/earthid/api/sessions", { body: "{}", signOver: false });
        expectFail(res, 404, "1901", `Route ${method} /earthid/api/sessions not found`);
      }
    });
  });

  describe("headers", () => {
    it("refuses duplicate or padded API keys as not a UUID", async () => {
      const raw = (headers: Record<string, string | string[]>) =>
        rawRequest(server.url, { method: "POST", path: "/earthid/api/sessions", headers: { "content-type": "application/json", ...headers }, body: '{"verification":{}}' });
      expectFail(await raw({ "x-auth-client": [shop.apiKey, shop.apiKey] }), 401, "1802", "X-AUTH-CLIENT");
      expectFail(await raw({ "x-auth-client": `${shop.apiKey}x` }), 401, "1802", "X-AUTH-CLIENT");
      expectFail(await raw({ "x-auth-client": "' OR 1=1 --" }), 401, "1802", "X-AUTH-CLIENT");
    });

    it.each([
      ["a header name with a space", (key: string) => `POST /v1/sessions HTTP/1.1\r\nHost: a\r\nX-Auth-Client: ${key}\r\nBad Header: x\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n{"verification":{}}`],
      ["Content-Length and Transfer-Encoding together", (key: string) => `POST /v1/sessions HTTP/1.1\r\nHost: a\r\nX-Auth-Client: ${key}\r\nContent-Type: application/json\r\nContent-Length: 19\r\nTransfer-Encoding: chunked\r\n\r\n13\r\n{"verification":{}}\r\n0\r\n\r\n`],
      ["a request line that is not HTTP", () => "HELLO THERE\r\n\r\n"],
    ])("answers %s (refused by the HTTP parser) with a Veriff-style 400 1908", async (_label, request) => {
      const res = await socketRequest(server.url, request(shop.apiKey));
      expectFail(res, 400, "1908", "The request is not valid HTTP/1.1");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    });

    it("answers headers over Node's limit with a Veriff-style 431 1909", async () => {
      const res = await socketRequest(server.url, `POST /v1/sessions HTTP/1.1\r\nHost: a\r\nX-Padding: ${"p".repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`);
      expectFail(res, 431, "1909", "request headers are larger");
    });

    it("refuses a huge signature header as malformed", async () => {
      const res = await shop.api.request("POST", "/earthid/api/sessions", { body: '{"verification":{}}', signOver: false, headers: { "x-hmac-signature": "a".repeat(8000) } });
      expectFail(res, 401, "1812", "X-HMAC-SIGNATURE");
    });
  });

  it("answers 500 bodies of random shapes at the known fields with 201 or a Veriff-style 4xx, never a 500", async () => {
    const random = seeded(20_261_127);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const leaves = [null, true, false, 0, -1, 1e308, 3.5, "", " ", "PASSPORT", "EE", "1990-01-01", "selfid", "https://shop.example/x", "\u202e", "😀", "x".repeat(1001), "a\u0000", "\ud800", "__proto__", [], {}];
    const value = (depth: number): unknown => {
      const roll = random();
      if (depth > 3 || roll < 0.6) return pick(leaves);
      if (roll < 0.8) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [pick(["firstName", "type", "country", "number", "x", "__proto__"]), value(depth + 1)]));
    };
    const fields = ["callback", "vendorData", "endUserId", "lang", "timestamp", "features", "person", "document", "unknown"];
    const personFields = ["firstName", "lastName", "idNumber", "gender", "dateOfBirth", "email", "phoneNumber"];
    const documentFields = ["type", "country", "number", "firstIssue"];
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      const verification: Record<string, unknown> = {};
      for (const field of fields) if (random() < 0.3) verification[field] = value(0);
      if (random() < 0.4) verification.person = Object.fromEntries(personFields.filter(() => random() < 0.4).map((f) => [f, value(1)]));
      if (random() < 0.4) verification.document = Object.fromEntries(documentFields.filter(() => random() < 0.4).map((f) => [f, value(1)]));
      const res = await json(verification);
      const context = `${JSON.stringify(verification).slice(0, 300)} -> ${res.status} ${res.text.slice(0, 200)}`;
      if (res.status === 201) {
        expect(res.body.status, context).toBe("success");
      } else {
        expect(res.status, context).toBeGreaterThanOrEqual(400);
        expect(res.status, context).toBeLessThan(500);
        expect(res.body, context).toEqual({ status: "fail", code: expect.stringMatching(/^\d{4}$/), message: expect.stringMatching(/verification/) });
      }
      const key = `${res.status} ${res.body?.code ?? ""}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    // The generator reaches both outcomes and several distinct refusals, or it proves nothing.
    expect(outcomes.get("201 ")).toBeGreaterThan(10);
    expect([...outcomes.keys()].filter((k) => k.startsWith("400")).length).toBeGreaterThanOrEqual(6);
  });

  it("leaves the sessions created before all this readable and unchanged", async () => {
    for (const { id, vendorData } of earlier) {
      const res: ApiResponse = await shop.api.getSession(id);
      expect(res.status).toBe(200);
      expect(res.body.verification).toMatchObject({ id, vendorData, status: "created" });
    }
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });
});

/** What the store keeps about the person and document, opened with the server's keys. */
async function storedInitData(server: TestServer, id: string): Promise<unknown> {
  const db = server.services.store.db;
  const session = await db.selectFrom("sessions").select(["id", "init_data_sealed"]).where("id", "=", id).executeTakeFirstOrThrow();
  const key = await db.selectFrom("session_keys").selectAll().where("session_id", "=", id).executeTakeFirstOrThrow();
  return openInitData(openSessionKey(server.services.masterKey, key), session);
}

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Bytes straight onto a socket, for requests no HTTP client would send; the answer parsed by hand. */
function socketRequest(baseUrl: string, request: string): Promise<ApiResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(request));
    let raw = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => (raw += chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", ...rest] = raw.split("\r\n\r\n");
      const [statusLine = "", ...headerLines] = head.split("\r\n");
      const headers = new Headers();
      for (const line of headerLines) headers.append(line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim());
      const text = rest.join("\r\n\r\n");
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      resolve({ status: Number(statusLine.split(" ")[1]), headers, text, body });
    });
  });
}
