import { readFileSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../support/built-cli.js";
import { type ApiResponse, rawRequest, sign } from "../../support/client.js";
import { type TestIntegration, type TestServer, startTestServer } from "../../support/server.js";
import path from "node:path";

/**
 * Issue 14, finding 5: the CSP sent merged helmet's defaults for HTML pages into the documented
 * `default-src 'none'; frame-ancestors 'none'`, and HSTS was missing on some client errors. Every
 * response must carry exactly what the README's Security section lists.
 */
function documentedHeaders(): Map<string, string> {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const security = readme.slice(readme.indexOf("## Security"));
  const block = /```http\n([\s\S]*?)```/.exec(security)?.[1];
  if (!block) throw new Error("README.md's Security section has no ```http block of headers");
  return new Map(
    block
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const at = line.indexOf(":");
        return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()] as [string, string];
      }),
  );
}

/** A request Node's HTTP parser refuses (a space in a header name), answered on the socket. */
function malformed(url: string): Promise<ApiResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write("GET /health HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n"));
    let raw = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => (raw += chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", text = ""] = raw.split("\r\n\r\n");
      const [status, ...lines] = head.split("\r\n");
      const headers = new Headers();
      for (const line of lines) headers.append(line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim());
      resolve({ status: Number(status?.split(" ")[1]), headers, text, body: undefined });
    });
  });
}

async function everyKindOfAnswer(server: TestServer, shop: TestIntegration): Promise<Array<[string, ApiResponse]>> {
  const created = await shop.api.createSession({});
  const id = created.body.verification.id as string;
  const missing = "0f0e0d0c-0b0a-4909-8807-060504030201";
  const get = (p: string, headers: Record<string, string> = {}) => rawRequest(server.url, { method: "GET", path: p, headers });
  return [
    ["200 /health", await get("/health")],
    ["200 /ready", await get("/ready")],
    ["201 create", created],
    ["200 read", await shop.api.getSession(id)],
    ["400 malformed JSON", await shop.api.request("POST", "/v1/sessions", { body: "{", signOver: false })],
    ["400 control character (refused in an onRequest hook)", await get("/v1/sessions/%00")],
    ["400 bad percent-encoding (the router's own error)", await get("/v1/sessions/%E0%A4%A")],
    ["400 malformed HTTP (Node's parser)", await malformed(server.url)],
    ["401 no key", await get(`/v1/sessions/${id}`)],
    ["401 wrong signature", await get(`/v1/sessions/${id}`, { "x-auth-client": shop.apiKey, "x-hmac-signature": sign(shop.sharedSecret, "other") })],
    ["404 unknown route", await get("/nothing/here")],
    ["404 missing session", await shop.api.getSession(missing)],
    ["413 body too large", await shop.api.request("POST", "/v1/sessions", { body: `{"x":"${"a".repeat(2_000_000)}"}`, signOver: false })],
    ["415 not JSON", await shop.api.request("POST", "/v1/sessions", { body: "x", contentType: "text/plain", signOver: false })],
  ];
}

describe.each([
  ["https", "https://verify.example"],
  ["http", "http://127.0.0.1:8080"],
])("the security headers with a PUBLIC_URL over %s", (scheme, publicUrl) => {
  let server: TestServer;
  let shop: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: publicUrl });
    shop = await server.integration();
  });
  afterAll(() => server.close());

  it("every response carries exactly the headers the README lists", async () => {
    const documented = documentedHeaders();
    expect(documented.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    for (const [label, res] of await everyKindOfAnswer(server, shop)) {
      expect(res.status, `${label}: ${res.text.slice(0, 200)}`).toBe(Number(label.slice(0, 3)));
      for (const [name, value] of documented) {
        const expected = name === "strict-transport-security" && scheme === "http" ? null : value;
        expect(res.headers.get(name), `${label}: ${name}`).toBe(expected);
      }
    }
  });
});
