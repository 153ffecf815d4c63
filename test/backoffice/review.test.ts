import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";
import { passportJpeg } from "../media/images.js";
import { OPERATOR } from "../../src/audit/events.js";
import { formClient, makeReviewer, sessionInReview } from "./support.js";

/** The review desk over HTTP: the queue, taking a case, deciding it, and what is refused. */
describe(`back-office review (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let shop: TestIntegration;
  let ann: ReturnType<typeof formClient>;
  let bob: ReturnType<typeof formClient>;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ EARTHID_WEBHOOK_ALLOW_PRIVATE: "1" });
    shop = await server.integration({ name: "shop", decisionWebhookUrl: `${receiver.url}/decision` });
    await makeReviewer(server, "ann@example.com", "reviewer");
    await makeReviewer(server, "bob@example.com", "reviewer");
    ann = formClient(server.url);
    bob = formClient(server.url);
    await ann.logIn("ann@example.com");
    await bob.logIn("bob@example.com");
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it("lists sessions in review oldest first, filtered by vendorData", async () => {
    const first = await sessionInReview(server, shop, "queue-a");
    const second = await sessionInReview(server, shop, "queue-b");
    const queue = await ann.get("/admin/queue");
    expect(queue.text.indexOf(first)).toBeGreaterThan(0);
    expect(queue.text.indexOf(first)).toBeLessThan(queue.text.indexOf(second));
    const filtered = await ann.get("/admin/queue?vendorData=queue-b");
    expect(filtered.text).toContain(second);
    expect(filtered.text).not.toContain(first);
  });

  it("finds one vendorData in every integration's queue, oldest submission first", async () => {
    const other = await server.integration({ name: "other shop" });
    const mine = await sessionInReview(server, shop, "queue-shared");
    const theirs = await sessionInReview(server, other, "queue-shared");
    const found = await ann.get("/admin/queue?vendorData=queue-shared");
    expect(found.text.indexOf(mine)).toBeGreaterThan(0);
    expect(found.text.indexOf(mine)).toBeLessThan(found.text.indexOf(theirs));
    const created = await ann.get("/admin/queue?status=created&vendorData=queue-shared");
    expect(created.text).not.toContain(mine);
    expect(created.text).not.toContain(theirs);
  });

  it("two reviewers never hold one case: the second is told who has it", async () => {
    const id = await sessionInReview(server, shop, "contested");
    await ann.get(`/admin/sessions/${id}`);
    const mine = await ann.post(`/admin/sessions/${id}/assign`, {});
    expect(mine.location).toBe(`/admin/sessions/${id}?done=assigned`);
    await bob.get(`/admin/sessions/${id}`);
    const theirs = await bob.post(`/admin/sessions/${id}/assign`, {});
    expect(theirs.status).toBe(409);
    expect(theirs.text).toContain("This case is already assigned to ann@example.com.");
    // Nor can Bob decide it behind Ann's back.
    const decide = await bob.post(`/admin/sessions/${id}/decision`, { verdict: "approved" });
    expect(decide.status).toBe(409);
    expect((await server.services.lifecycle.findAny(id))!.status).toBe("review");
  });

  it("shows the image decrypted and never cached; a decline with a reason sends the decision webhook", async () => {
    const id = await sessionInReview(server, shop, "with-image", { image: passportJpeg() });
    const page = await ann.get(`/admin/sessions/${id}`);
    expect(page.text).toContain("Mari");
    const mediaId = /\/admin\/media\/([0-9a-f-]{36})/.exec(page.text)![1]!;
    const image = await fetch(`${server.url}/admin/media/${mediaId}`, { headers: { cookie: [...ann.jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
    expect(image.status).toBe(200);
    expect(image.headers.get("cache-control")).toBe("no-store");
    expect(Buffer.from(await image.arrayBuffer()).equals(passportJpeg())).toBe(true);
    // Every look at the person's data and images is in the audit trail, with who looked.
    const viewed = (await server.services.audit.listForSession(id)).filter((e) => e.type === "backoffice.viewed").map((e) => JSON.parse(e.data));
    expect(viewed).toEqual(expect.arrayContaining([expect.objectContaining({ what: "session", mediaId: null }), expect.objectContaining({ what: "media", mediaId })]));
    expect(new Set(viewed.map((v) => v.reviewerId)).size).toBe(1);
    // Without a login, no image.
    expect((await fetch(`${server.url}/admin/media/${mediaId}`, { redirect: "manual" })).status).toBe(303);

    const decided = await ann.post(`/admin/sessions/${id}/decision`, { verdict: "declined", reasonCode: "102", note: "edges of the photo re-printed" });
    expect(decided.status).toBe(303);
    expect(decided.location).toMatch(/done=declined$/);
    const declined = (all: typeof receiver.received) => all.find((r) => r.json?.verification?.id === id && r.json.verification.status === "declined");
    const hook = declined(await receiver.waitFor((all) => declined(all) !== undefined))!;
    expect(hook.json.verification).toMatchObject({ status: "declined", code: 9102, reasonCode: 102 });
    const after = await ann.get(`/admin/sessions/${id}`);
    expect(after.text).toContain("edges of the photo re-printed");
    expect(after.text).toContain("session.decided");
  });

  it("a case decided meanwhile is refused with a clear message", async () => {
    const id = await sessionInReview(server, shop, "raced");
    await bob.get(`/admin/sessions/${id}`);
    await server.services.lifecycle.decide({ sessionId: id, verdict: "approved", actor: OPERATOR });
    const late = await bob.post(`/admin/sessions/${id}/decision`, { verdict: "declined", reasonCode: "102" });
    expect(late.status).toBe(409);
    expect(late.text).toContain("no longer in review: it was approved meanwhile");
  });

  it("refuses a decline without a reason, and a reason that does not fit", async () => {
    const id = await sessionInReview(server, shop, "reasons");
    await ann.get(`/admin/sessions/${id}`);
    expect((await ann.post(`/admin/sessions/${id}/decision`, { verdict: "declined" })).text).toContain("needs a reason code");
    expect((await ann.post(`/admin/sessions/${id}/decision`, { verdict: "declined", reasonCode: "204" })).text).toContain("does not go with this decision");
    expect((await server.services.lifecycle.findAny(id))!.status).toBe("review");
  });

  it("after a decision the next waiting case opens", async () => {
    const a = await sessionInReview(server, shop, "next-1");
    await ann.get(`/admin/sessions/${a}`);
    const res = await ann.post(`/admin/sessions/${a}/decision`, { verdict: "approved" });
    expect(res.location).toMatch(/^\/admin\/sessions\/[0-9a-f-]{36}\?done=approved$/);
    expect(res.location).not.toContain(a);
  });

  it("a reviewer is refused the administrators' pages by URL, not only by the menu", async () => {
    const queue = await ann.get("/admin/queue");
    expect(queue.text).not.toContain('href="/admin/integrations"');
    const integrations = await ann.get("/admin/integrations");
    expect(integrations.status).toBe(403);
    expect(integrations.text).toContain("administrators only");
    expect((await ann.get("/admin/deliveries")).status).toBe(403);
  });
});
