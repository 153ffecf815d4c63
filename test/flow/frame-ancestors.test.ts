import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFrameAncestors } from "../../src/integrations/frame-ancestors.js";
import { builtCli, runCli } from "../support/built-cli.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { apiClient } from "../support/client.js";

describe("the origins allowed to frame the flow", () => {
  it("takes origins, comma- or space-separated, lower-cased and without a trailing slash", () => {
    expect(parseFrameAncestors("https://Shop.example/, https://*.brand.example:8443  http://localhost:3000")).toEqual([
      "https://shop.example",
      "https://*.brand.example:8443",
      "http://localhost:3000",
    ]);
    expect(parseFrameAncestors("")).toEqual([]);
  });

  it.each([["*"], ["'self'"], ["https://shop.example/checkout"], ["https://shop.example?x=1"], ["http://shop.example"], ["javascript:alert(1)"], ["https://shop.example;script-src *"], ["https://shop.example:99999"]])(
    "refuses %s",
    (entry) => {
      expect(() => parseFrameAncestors(entry)).toThrow(/frame ancestor/);
    },
  );
});

describe(`earthid integrations --frame-ancestors (${storeKind})`, { timeout: 120_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), builtCli()]);
  });
  afterAll(() => server.close());

  const frameAncestorsOfPage = async (apiKey: string, secret: string) => {
    const created = await apiClient(server.url, apiKey, secret).createSession({});
    const res = await fetch(`${server.url}/v/${created.body.verification.sessionToken}`);
    return /frame-ancestors ([^;]+)/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
  };

  it("sets them on create, changes them with update, and the running server's pages follow at once", async () => {
    const created = await runCli(["integrations", "create", "--name", "framed", "--frame-ancestors", "https://a.example,https://b.example", "--json"], server.env);
    expect(created.code, created.stderr).toBe(0);
    const integration = JSON.parse(created.stdout);
    expect(integration.frameAncestors).toEqual(["https://a.example", "https://b.example"]);
    expect(await frameAncestorsOfPage(integration.apiKey, integration.sharedSecret)).toBe("https://a.example https://b.example");

    const updated = await runCli(["integrations", "update", integration.id, "--frame-ancestors", "none"], server.env);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toContain("may not be framed");
    expect(await frameAncestorsOfPage(integration.apiKey, integration.sharedSecret)).toBe("'none'");
  });

  it("refuses an origin that is not one, naming it", async () => {
    const result = await runCli(["integrations", "create", "--name", "bad", "--frame-ancestors", "https://ok.example,*"], server.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('frame ancestor "*"');
  });
});
