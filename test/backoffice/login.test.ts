import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../../src/backoffice/totp.js";
import { LOCK_AFTER_FAILURES } from "../../src/backoffice/accounts.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { PASSWORD, formClient, makeReviewer } from "./support.js";

describe(`back-office login (${storeKind})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("serves the login page with strict headers, no cache, and a CSRF-bound cookie", async () => {
    const client = formClient(server.url);
    const page = await client.get("/admin/login");
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("cache-control")).toBe("no-store");
    // The CSRF secret's cookie, set by the plugin, is marked as the login cookie is (cookies.ts).
    const [csrfCookie] = page.headers.getSetCookie().filter((line) => line.startsWith("earthid_admin_csrf="));
    expect(csrfCookie).toMatch(/; Path=\/admin(;|$)/);
    expect(csrfCookie).toMatch(/; HttpOnly(;|$)/);
    expect(csrfCookie).toMatch(/; SameSite=Strict(;|$)/);
    expect(client.csrf).not.toBe("");
  });

  it("an admin without a second factor is sent to enrolment and reaches the queue only with a code from it", async () => {
    await makeReviewer(server, "new-admin@example.com", "admin");
    const client = formClient(server.url);
    await client.get("/admin/login");
    const login = await client.post("/admin/login", { email: "new-admin@example.com", password: PASSWORD });
    expect(login.location).toBe("/admin/enrol");
    // Not yet in: the queue sends the browser back to enrolment.
    expect((await client.get("/admin/queue")).location).toBe("/admin/enrol");
    const enrol = await client.get("/admin/enrol");
    expect(enrol.text).toContain("<svg");
    const uri = /data-testid="totp-uri">([^<]+)</.exec(enrol.text)![1]!.replace(/&amp;/g, "&");
    expect(uri).toMatch(/^otpauth:\/\/totp\/EarthID%20Verify:new-admin%40example.com\?issuer=EarthID%20Verify&secret=[A-Z2-7]+/);
    const secret = new URL(uri).searchParams.get("secret")!;
    expect((await client.post("/admin/enrol", { code: "000000" === totpCode(secret, Date.now()) ? "111111" : "000000" })).status).toBe(401);
    const done = await client.post("/admin/enrol", { code: totpCode(secret, Date.now()) });
    expect(done.location).toBe("/admin/queue?done=totp");
    expect((await client.get("/admin/queue")).status).toBe(200);
  });

  it("a reviewer without TOTP logs in with the password alone; wrong passwords are refused alike", async () => {
    await makeReviewer(server, "plain@example.com", "reviewer");
    const client = formClient(server.url);
    await client.get("/admin/login");
    const wrong = await client.post("/admin/login", { email: "plain@example.com", password: "not the password" });
    const unknown = await client.post("/admin/login", { email: "nobody@example.com", password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain("Email or password is wrong.");
    expect(unknown.text).toContain("Email or password is wrong.");
    await client.logIn("plain@example.com");
    expect((await client.get("/admin/queue")).text).toContain("plain@example.com");
  });

  it("refuses a form posted without the CSRF token, even with a valid login cookie", async () => {
    await makeReviewer(server, "csrf@example.com", "reviewer");
    const client = formClient(server.url);
    await client.logIn("csrf@example.com");
    const forged = await client.post("/admin/logout", {}, { withCsrf: false });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain("did not come from this site");
    // Still logged in: the forged logout did nothing.
    expect((await client.get("/admin/queue")).status).toBe(200);
    const wrongToken = await client.post("/admin/logout", { _csrf: "x".repeat(43) }, { withCsrf: false });
    expect(wrongToken.status).toBe(403);
    const logout = await client.post("/admin/logout", {});
    expect(logout.location).toBe("/admin/login");
    expect((await client.get("/admin/queue")).location).toBe("/admin/login");
  });

  it("makes a new CSRF secret at login: a token from the login page is refused afterwards", async () => {
    await makeReviewer(server, "fresh-csrf@example.com", "reviewer");
    const client = formClient(server.url);
    await client.get("/admin/login");
    const beforeLogin = client.csrf;
    const secretBefore = client.jar.get("earthid_admin_csrf");
    await client.logIn("fresh-csrf@example.com");
    expect(client.jar.get("earthid_admin_csrf")).not.toBe(secretBefore);
    expect((await client.post("/admin/logout", { _csrf: beforeLogin })).status).toBe(403);
    expect((await client.post("/admin/logout", {})).location).toBe("/admin/login");
    expect(client.jar.has("earthid_admin_csrf")).toBe(false);
  });

  it(`locks the account after ${LOCK_AFTER_FAILURES} failures: then even the right password is refused`, async () => {
    const { secret } = await makeReviewer(server, "locked@example.com", "admin", { totp: true });
    const client = formClient(server.url);
    await client.get("/admin/login");
    for (let i = 0; i < LOCK_AFTER_FAILURES - 1; i++) expect((await client.post("/admin/login", { email: "locked@example.com", password: `wrong ${i}` })).status).toBe(401);
    const last = await client.post("/admin/login", { email: "locked@example.com", password: "wrong again" });
    expect(last.status).toBe(429);
    const right = await client.post("/admin/login", { email: "locked@example.com", password: PASSWORD });
    expect(right.status).toBe(429);
    expect(right.text).toContain("locked");
    // An operator's reset unlocks it.
    const { reviewerAccountsFor } = await import("../../src/backoffice/adapter.js");
    await reviewerAccountsFor(server.services).reset("locked@example.com", { password: PASSWORD });
    await client.logIn("locked@example.com", secret);
  });

  it("a one-time code is good once: the same code on another browser is refused", async () => {
    const { secret } = await makeReviewer(server, "once@example.com", "admin", { totp: true });
    const code = totpCode(secret!, Date.now());
    const first = formClient(server.url);
    const second = formClient(server.url);
    for (const client of [first, second]) {
      await client.get("/admin/login");
      await client.post("/admin/login", { email: "once@example.com", password: PASSWORD });
      await client.get("/admin/login/code");
    }
    expect((await first.post("/admin/login/code", { code })).location).toBe("/admin/queue");
    const replay = await second.post("/admin/login/code", { code });
    expect(replay.status).toBe(401);
    expect(replay.text).toContain("That code is not right.");
  });

  it("wrong one-time codes count towards the lock-out too", async () => {
    await makeReviewer(server, "codes@example.com", "admin", { totp: true });
    const client = formClient(server.url);
    await client.get("/admin/login");
    expect((await client.post("/admin/login", { email: "codes@example.com", password: PASSWORD })).location).toBe("/admin/login/code");
    await client.get("/admin/login/code");
    let last = 0;
    for (let i = 0; i < LOCK_AFTER_FAILURES; i++) last = (await client.post("/admin/login/code", { code: "12345x" })).status;
    expect(last).toBe(429);
    expect((await client.post("/admin/login", { email: "codes@example.com", password: PASSWORD })).status).toBe(429);
  });

  it("every login step is in the audit trail, under no integration, with nothing typed in it", async () => {
    const { secret } = await makeReviewer(server, "audited@example.com", "admin", { totp: true });
    const events = async () =>
      (await server.services.store.db.selectFrom("audit_events").selectAll().where("type", "like", "backoffice.%").where("type", "!=", "backoffice.viewed").orderBy("created_at").orderBy("id").execute()).map((e) => ({
        integrationId: e.integration_id,
        type: e.type,
        actor: e.actor,
        data: JSON.parse(e.data),
        text: e.data,
      }));
    const before = (await events()).length;
    const client = formClient(server.url);
    await client.get("/admin/login");
    await client.post("/admin/login", { email: "audited@example.com", password: "wrong guess 1" });
    await client.post("/admin/login", { email: "ghost@example.com", password: "wrong guess 2" });
    await client.post("/admin/login", { email: "audited@example.com", password: PASSWORD });
    await client.get("/admin/login/code");
    await client.post("/admin/login/code", { code: "12345x" });
    await client.post("/admin/login/code", { code: totpCode(secret!, Date.now()) });
    await client.get("/admin/queue");
    await client.post("/admin/logout", {});

    const steps = (await events()).slice(before);
    const id = steps[0]!.data.reviewerId;
    expect(steps.map((e) => [e.type, e.actor, e.data.reason ?? null])).toEqual([
      ["backoffice.login_failed", "reviewer", "wrong_password"],
      ["backoffice.login_failed", "system", "unknown_account"],
      ["backoffice.login_failed", "reviewer", "wrong_code"],
      ["backoffice.login_succeeded", "reviewer", null],
      ["backoffice.logged_out", "reviewer", null],
    ]);
    expect(steps[1]!.data.reviewerId).toBeNull();
    expect(steps.filter((e) => e.data.reviewerId !== null).every((e) => e.data.reviewerId === id)).toBe(true);
    for (const step of steps) {
      expect(step.integrationId).toBeNull();
      expect(step.text).not.toMatch(/ghost|audited@|wrong guess|12345x/);
    }

    // A lock-out is its own event, with when it ends.
    await client.get("/admin/login");
    for (let i = 0; i < LOCK_AFTER_FAILURES; i++) await client.post("/admin/login", { email: "audited@example.com", password: `wrong ${i}` });
    const lockedOut = (await events()).filter((e) => e.type === "backoffice.locked_out");
    expect(lockedOut.at(-1)!.data).toMatchObject({ reviewerId: id, until: expect.any(Number) });
  });
});
