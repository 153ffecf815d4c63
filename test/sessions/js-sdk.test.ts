import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer } from "../support/server.js";
import { type ApiResponse, rawRequest, sign } from "../support/client.js";

/**
 * What @veriff/js-sdk 2.0.0 does in a browser on the integrator's page: an XHR
 * `POST ${host}/v1/sessions`, preceded by the CORS preflight its custom headers trigger.
 * Reproduced byte for byte, header names in the SDK's own case.
 */
const SDK_REQUEST_HEADERS = "content-type,x-auth-client,x-origin,vrf-integration-id";

interface SdkParams {
  callback?: string;
  person: { givenName?: string; lastName?: string; idNumber?: string };
  vendorData?: string;
}

/** The SDK's body: JSON.stringify drops the fields the page left undefined. */
function sdkBody(params: SdkParams): string {
  return JSON.stringify({
    verification: {
      callback: params.callback,
      person: { firstName: params.person.givenName, lastName: params.person.lastName, idNumber: params.person.idNumber },
      vendorData: params.vendorData,
      timestamp: new Date().toISOString(),
    },
  });
}

function preflight(server: TestServer, origin: string, path = "/v1/sessions"): Promise<ApiResponse> {
  return rawRequest(server.url, {
    method: "OPTIONS",
    path,
    headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": SDK_REQUEST_HEADERS },
  });
}

function sdkCreateSession(server: TestServer, origin: string, apiKey: string, body: string, integrationId?: string): Promise<ApiResponse> {
  const headers: Record<string, string> = { Origin: origin, "Content-type": "application/json", "x-auth-client": apiKey };
  if (integrationId) headers["vrf-integration-id"] = integrationId;
  headers["x-origin"] = "js-sdk";
  return rawRequest(server.url, { method: "POST", path: "/v1/sessions", headers, body });
}

/** What a browser checks before it lets the page send the request and read the answer. */
function expectPreflightAllows(res: ApiResponse, origin: string): void {
  expect(res.status, res.text).toBeGreaterThanOrEqual(200);
  expect(res.status, res.text).toBeLessThan(300);
  expect([origin, "*"]).toContain(res.headers.get("access-control-allow-origin"));
  expect(res.headers.get("access-control-allow-methods")?.split(/\s*,\s*/)).toContain("POST");
  const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/\s*,\s*/);
  for (const header of SDK_REQUEST_HEADERS.split(",")) expect(allowed).toContain(header);
}

describe("@veriff/js-sdk 2.0.0 creating a session from a browser on any origin", () => {
  let server: TestServer;
  let shop: TestIntegration;
  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "shop" });
  });
  afterAll(() => server.close());

  it.each([["https://shop.example"], ["http://localhost:3000"], ["https://checkout.other-brand.example:8443"], ["null"]])(
    "passes the preflight from %s",
    async (origin) => {
      expectPreflightAllows(await preflight(server, origin), origin);
    },
  );

  it("passes the preflight on our own prefix too", async () => {
    expectPreflightAllows(await preflight(server, "https://shop.example", "/earthid/api/sessions"), "https://shop.example");
  });

  it("answers an OPTIONS that is not a browser preflight (no Origin) with an empty 204, not an error", async () => {
    const res = await rawRequest(server.url, { method: "OPTIONS", path: "/v1/sessions" });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
  });

  it("gets 201 for the SDK's exact request, readable by the page", async () => {
    const origin = "https://shop.example";
    const body = sdkBody({ callback: "https://shop.example/thanks", person: { givenName: "Mari", lastName: "Maasikas" } });
    expect(body).not.toContain("idNumber");
    expect(body).not.toContain("vendorData");
    const res = await sdkCreateSession(server, origin, shop.apiKey, body, shop.id);
    expect(res.status, res.text).toBe(201);
    expect([origin, "*"]).toContain(res.headers.get("access-control-allow-origin"));
    // What onSession(null, response) hands the page: JSON.parse(xhr.responseText).
    const session = JSON.parse(res.text);
    expect(session.status).toBe("success");
    expect(session.verification).toMatchObject({ status: "created", vendorData: null });
    expect(session.verification.url).toBe(`${session.verification.host}/v/${session.verification.sessionToken}`);
    // And the integrator's backend can read it with its secret afterwards.
    expect((await shop.api.getSession(session.verification.id)).status).toBe(200);
  });

  it("takes every field the SDK form can send, vendorData at the SDK's 1000-character limit", async () => {
    const body = sdkBody({
      callback: "https://shop.example/thanks",
      person: { givenName: "Mari", lastName: "Maasikas", idNumber: "49403136526" },
      vendorData: "v".repeat(1000),
    });
    const res = await sdkCreateSession(server, "https://shop.example", shop.apiKey, body);
    expect(res.status, res.text).toBe(201);
    expect(JSON.parse(res.text).verification.vendorData).toBe("v".repeat(1000));
  });

  it("exposes the response signature headers to the page", async () => {
    const res = await sdkCreateSession(server, "https://shop.example", shop.apiKey, sdkBody({ person: {} }));
    const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase().split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(["x-auth-client", "x-hmac-signature", "vrf-auth-client", "vrf-hmac-signature"]));
    expect(res.headers.get("x-hmac-signature")).toBe(sign(shop.sharedSecret, res.text));
  });

  it("lets the page see a refusal's real status, not a CORS failure", async () => {
    const res = await sdkCreateSession(server, "https://shop.example", crypto.randomUUID(), sdkBody({ person: { givenName: "Mari" } }));
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).not.toBeNull();
    expect(JSON.parse(res.text)).toMatchObject({ status: "fail", code: "1803" });
  });
});
