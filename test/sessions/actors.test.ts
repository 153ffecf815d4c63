import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/audit/events.js";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { lifecycle } from "../lifecycle/helpers.js";

/**
 * Services take an actor, not a request: what each one may reach is decided there, the same for
 * every scope of access. The end user's actor comes from the session token alone.
 */
describe(`actors: what each may reach, on ${storeKind}`, () => {
  let server: TestServer;
  let shop: TestIntegration;
  let other: TestIntegration;
  const created = async (owner: TestIntegration) => (await owner.api.createSession({ vendorData: "actor" })).body.verification as { id: string; sessionToken: string };

  beforeAll(async () => {
    server = await startTestServer();
    shop = await server.integration({ name: "shop" });
    other = await server.integration({ name: "other" });
  });
  afterAll(() => server.close());

  it("a session token speaks for its session's end user, who sees that session and no other", async () => {
    const mine = await created(shop);
    const theirs = await created(other);
    const { sessions, lifecycle: verbs } = server.services;
    const endUser = await sessions.endUserOf(mine.sessionToken);
    expect(endUser).toEqual({ kind: "endUser", sessionId: mine.id });
    expect((await sessions.sessionFor(endUser, mine.id)).id).toBe(mine.id);
    await expect(sessions.sessionFor(endUser, theirs.id)).rejects.toMatchObject({ statusCode: 404, code: "1901" });
    await expect(verbs.submit({ sessionId: theirs.id, actor: endUser })).rejects.toMatchObject({ statusCode: 404 });
    // The end user can submit its own session, recorded as the end user's act.
    await verbs.submit({ sessionId: mine.id, actor: endUser });
    const audit = await server.services.audit.listForSession(mine.id);
    expect(audit.find((event) => event.type === "session.submitted")?.actor).toBe("end-user");
  });

  it("a forged, foreign or deleted session's token speaks for nobody: 404", async () => {
    const { sessions } = server.services;
    const mine = await created(shop);
    const [header, payload, signature] = mine.sessionToken.split(".") as [string, string, string];
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), session_id: (await created(other)).id })).toString("base64url");
    await expect(sessions.endUserOf(`${header}.${forgedPayload}.${signature}`)).rejects.toMatchObject({ statusCode: 404 });
    await expect(sessions.endUserOf("not-a-token")).rejects.toMatchObject({ statusCode: 404 });
    expect((await lifecycle(shop).remove(mine.id)).status).toBe(200);
    await expect(sessions.endUserOf(mine.sessionToken)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("an integrator reaches its own sessions only; the operator any live one", async () => {
    const theirs = await created(other);
    const integrator: Actor = { kind: "integrator", integrationId: shop.id };
    await expect(server.services.sessions.sessionFor(integrator, theirs.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(server.services.reads.decision(integrator, theirs.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await server.services.sessions.sessionFor({ kind: "operator" }, theirs.id)).id).toBe(theirs.id);
  });
});
