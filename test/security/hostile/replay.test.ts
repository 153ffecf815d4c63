import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../support/built-cli.js";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../../support/server.js";
import { expectFail, sign, stampRequest } from "../../support/client.js";
import { builtCli, runCli } from "../../support/built-cli.js";
import { obamaJpeg } from "../../media/images.js";

/**
 * Issue 14, finding 3: Veriff's scheme signs only the id or the body, so a captured read signature
 * also authorises DELETE of that session and one PATCH signature submits any session. An integration
 * in strict mode (switched by the CLI, against the running server) takes only x-earthid-signature,
 * over method, path, query and body, within 5 minutes.
 */
describe(`strict signing per integration (${storeKind})`, { timeout: 120_000 }, () => {
  let server: TestServer;
  let shop: TestIntegration;
  const now = () => Math.floor(Date.now() / 1000);
  const earthid = (...args: string[]) => runCli(args, server.env);
  const veriffSigned = (id: string) => ({ stamp: undefined, signOver: id });

  beforeAll(async () => {
    [server] = await Promise.all([startTestServer(), builtCli()]);
    shop = await server.integration({ name: "shop", isTest: true });
  });
  afterAll(() => server.close());

  it("off by default: Veriff's endpoints take Veriff's signature, so a read's signature also deletes (why strict mode exists)", async () => {
    const id = (await shop.api.createSession({})).body.verification.id as string;
    const readSignature = sign(shop.sharedSecret, id);
    expect((await shop.api.request("GET", `/v1/sessions/${id}/decision`, { headers: { "x-hmac-signature": readSignature } })).status).toBe(200);
    const deleted = await shop.api.request("DELETE", `/v1/sessions/${id}`, { headers: { "x-hmac-signature": readSignature } });
    expect(deleted.status, deleted.text).toBe(200);
  });

  it("switched on by the CLI (audited, shown by show and list), every endpoint then refuses Veriff's signature alone", async () => {
    const id = (await shop.api.createSession({})).body.verification.id as string;
    const shown = await earthid("integrations", "update", shop.id, "--strict-signatures", "on");
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("changed strict-signatures: off → on");
    expect(shown.stdout).toContain("strict signing:   on");
    expect((await earthid("integrations", "show", shop.id)).stdout).toContain("strict signing:   on");
    const listed = JSON.parse((await earthid("integrations", "list", "--json")).stdout) as { id: string; strictSignatures: boolean }[];
    expect(listed.find((i) => i.id === shop.id)?.strictSignatures).toBe(true);
    const audit = await server.services.store.db.selectFrom("audit_events").selectAll().where("integration_id", "=", shop.id).where("type", "=", "integration.updated").execute();
    expect(audit.map((row) => JSON.parse(row.data))).toContainEqual({ changes: { "strict-signatures": { from: "off", to: "on" } } });

    // The running server acts on it at once: the key cache was emptied through the change signal.
    const read = await shop.api.request("GET", `/v1/sessions/${id}/decision`, veriffSigned(id));
    expectFail(read, 401, "1820", "strict mode");
    expect(read.body.message).toContain("X-HMAC-SIGNATURE alone was sent");
    expectFail(await shop.api.request("DELETE", `/v1/sessions/${id}`, veriffSigned(id)), 401, "1820", "strict mode");
    expectFail(await shop.api.request("PATCH", `/v1/sessions/${id}`, { stamp: undefined, body: { verification: { status: "submitted" } } }), 401, "1820", "strict mode");
    // Creation too: the API key alone (it ships to browsers) no longer creates sessions.
    expectFail(await shop.api.createSession({}), 401, "1820", "is missing");
    expect((await shop.api.createSession({}, { stamp: true })).status).toBe(201);
    expect((await shop.api.request("GET", `/v1/sessions/${id}/decision`, { stamp: true })).status).toBe(200);
  });

  it("in strict mode a read's stamp cannot delete, a stale one cannot submit, and one PATCH's cannot submit another session", async () => {
    const id = (await shop.api.createSession({}, { stamp: true })).body.verification.id as string;
    const other = (await shop.api.createSession({}, { stamp: true })).body.verification.id as string;
    const readStamp = stampRequest(shop.sharedSecret, "GET", `/v1/sessions/${id}/decision`);
    expectFail(await shop.api.request("DELETE", `/v1/sessions/${id}`, { headers: { "x-earthid-signature": readStamp } }), 401, "1820", "does not match");
    const body = JSON.stringify({ verification: { status: "submitted" } });
    const patchStamp = stampRequest(shop.sharedSecret, "PATCH", `/v1/sessions/${id}`, body);
    expectFail(await shop.api.request("PATCH", `/v1/sessions/${other}`, { body, headers: { "x-earthid-signature": patchStamp } }), 401, "1820", "does not match");
    expectFail(await shop.api.request("PATCH", `/v1/sessions/${id}`, { body, stamp: { t: now() - 301 } }), 401, "1820", "from the server's clock");
    expect((await shop.api.request("GET", `/v1/sessions/${id}/person`, { stamp: true })).status).toBe(200);
    expect((await shop.api.request("DELETE", `/v1/sessions/${other}`, { stamp: true })).status).toBe(200);
  });

  it("in strict mode a media upload's stamp is checked as the body streams in, before anything is parsed", async () => {
    const id = (await shop.api.createSession({}, { stamp: true })).body.verification.id as string;
    const body = JSON.stringify({ image: { context: "face", content: obamaJpeg().toString("base64") } });
    const path = `/v1/sessions/${id}/media`;
    expectFail(await shop.api.request("POST", path, { body, stamp: undefined }), 401, "1820", "X-HMAC-SIGNATURE alone was sent");
    const otherPath = stampRequest(shop.sharedSecret, "POST", `/v1/sessions/${crypto.randomUUID()}/media`, body);
    expectFail(await shop.api.request("POST", path, { body, headers: { "x-earthid-signature": otherPath } }), 401, "1820", "does not match");
    expectFail(await shop.api.request("POST", path, { body: "{not json", stamp: { t: now() - 400 } }), 401, "1820", "from the server's clock");
    const uploaded = await shop.api.request("POST", path, { body, stamp: true });
    expect(uploaded.status, uploaded.text).toBe(201);
    const media = await shop.api.request("GET", `/v1/media/${uploaded.body.image.id}`, { stamp: true });
    expect(media.status).toBe(200);
  });

  it("the README's shell example (openssl) signs requests the server takes", async () => {
    const readme = readFileSync(`${repoRoot}/README.md`, "utf8");
    const stampFunction = /^stamp\(\) \{[\s\S]*?^\}$/m.exec(readme)?.[0];
    expect(stampFunction).toBeDefined();
    const target = "/v1/sessions?status=created&limit=5";
    const header = execFileSync("bash", ["-c", `${stampFunction}\nstamp GET '${target}'`], { env: { ...process.env, SECRET: shop.sharedSecret } }).toString();
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const res = await shop.api.request("GET", target, { headers: { "x-earthid-signature": header } });
    expect(res.status, res.text).toBe(200);
    const body = JSON.stringify({ verification: {} });
    const created = execFileSync("bash", ["-c", `${stampFunction}\nstamp POST /v1/sessions '${body}'`], { env: { ...process.env, SECRET: shop.sharedSecret } }).toString();
    expect((await shop.api.request("POST", "/v1/sessions", { body, headers: { "x-earthid-signature": created } })).status).toBe(201);
  });

  it("switched off again, Veriff's signature works as before", async () => {
    const off = await earthid("integrations", "update", shop.id, "--strict-signatures", "off");
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toContain("strict signing:   off");
    const id = (await shop.api.createSession({})).body.verification.id as string;
    expect((await shop.api.request("GET", `/v1/sessions/${id}/decision`, veriffSigned(id))).status).toBe(200);
    const refused = await earthid("integrations", "update", shop.id, "--strict-signatures", "maybe");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("--strict-signatures takes on or off");
  });
});
