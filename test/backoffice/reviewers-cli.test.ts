import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reviewerAccountsFor } from "../../src/backoffice/adapter.js";
import { reviewerCommands } from "../../src/cli/reviewers.js";
import { type TestServer, startTestServer, storeKind } from "../support/server.js";
import { formClient } from "./support.js";

/** `earthid reviewers …` as an operator runs it, against the store of a running server. */
describe(`earthid reviewers (${storeKind})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function run(args: string[], stdin = "") {
    let out = "";
    let err = "";
    const code = await reviewerCommands(reviewerAccountsFor(server.services), args, { out: (t) => void (out += t), err: (t) => void (err += t) }, async () => stdin);
    return { code, out, err };
  }

  async function logsIn(email: string, password: string) {
    const client = formClient(server.url);
    await client.get("/admin/login");
    return (await client.post("/admin/login", { email, password })).location === "/admin/queue";
  }

  it("creates a reviewer with a password from stdin, who can then log in", async () => {
    const created = await run(["create", "--email", "Eve@Example.com", "--role", "reviewer", "--password-stdin"], "a long enough password\n");
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain("created eve@example.com  reviewer  active  no-totp");
    expect(created.out).not.toContain("one-time password");
    expect(await logsIn("eve@example.com", "a long enough password")).toBe(true);
  });

  it("prints a one-time password when none is given", async () => {
    const created = await run(["create", "--email", "otp@example.com", "--role", "reviewer", "--json"]);
    const { oneTimePassword } = JSON.parse(created.out);
    expect(oneTimePassword).toMatch(/^[a-z2-9]{20}$/);
    expect(await logsIn("otp@example.com", oneTimePassword)).toBe(true);
  });

  it("refuses a short password, a second account for one email and an unknown role", async () => {
    expect((await run(["create", "--email", "short@example.com", "--role", "reviewer", "--password-stdin"], "short")).err).toContain("at least 12 characters");
    await run(["create", "--email", "twice@example.com", "--role", "admin"]);
    const again = await run(["create", "--email", "twice@example.com", "--role", "admin"]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("already exists");
    await expect(run(["create", "--email", "x@example.com", "--role", "root"])).rejects.toThrow("--role admin|reviewer");
  });

  it("lists, disables (ending their logins) and resets", async () => {
    await run(["create", "--email", "dan@example.com", "--role", "reviewer", "--password-stdin"], "dans first password");
    const client = formClient(server.url);
    await client.get("/admin/login");
    await client.post("/admin/login", { email: "dan@example.com", password: "dans first password" });
    expect((await client.get("/admin/queue")).status).toBe(200);
    expect((await run(["list"])).out).toMatch(/dan@example.com\s+reviewer\s+active/);
    expect((await run(["disable", "dan@example.com"])).code).toBe(0);
    expect((await client.get("/admin/queue")).location).toBe("/admin/login");
    expect(await logsIn("dan@example.com", "dans first password")).toBe(false);
    expect((await run(["list"])).out).toMatch(/dan@example.com\s+reviewer\s+disabled/);
    const reset = await run(["reset", "dan@example.com", "--password-stdin"], "dans second password");
    expect(reset.code, reset.err).toBe(0);
    expect(await logsIn("dan@example.com", "dans second password")).toBe(true);
  });
});
