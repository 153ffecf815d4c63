import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestIntegration, type TestServer, startTestServer, storeKind } from "../support/server.js";
import { formClient, makeReviewer, sessionInReview } from "./support.js";
import { passportJpeg } from "../media/images.js";

/**
 * The statements about one session that its back-office page issues: the session and its data key
 * read once and handed to what opens its data (the init data, the engine's findings), the media
 * listed from the row read. The key is read once more inside the session read, which opens vendorData.
 * Fifteen before that, on either store.
 */
const STATEMENTS_ABOUT_THE_SESSION = 10;

describe(`statements of a back-office session page (${storeKind})`, () => {
  let server: TestServer;
  let shop: TestIntegration;
  /** Each statement's text and values while `capturing`; background work (sweepers, the audit sealer) may add its own. */
  const seen: { text: string; values: readonly unknown[] }[] = [];
  let capturing = false;

  beforeAll(async () => {
    // The real assessment records findings (without images for its models to read), so the page opens them.
    server = await startTestServer({ EARTHID_SWEEP_INTERVAL_SECONDS: "86400" }, { assessment: undefined, onStatement: (text, values) => void (capturing && seen.push({ text, values })) });
    shop = await server.integration({ name: "shop" });
    await makeReviewer(server, "count@example.com", "reviewer");
  });
  afterAll(async () => {
    await server?.close();
  });

  it("reads the session once, its data key at most twice, and shows all it showed", async () => {
    const desk = formClient(server.url);
    await desk.logIn("count@example.com");
    const id = await sessionInReview(server, shop, "counted-user", { image: passportJpeg() });

    capturing = true;
    const page = await desk.get(`/admin/sessions/${id}`);
    capturing = false;

    expect(page.status).toBe(200);
    // vendorData, the person sent, the image, an engine check, the integration's name.
    for (const shown of ["counted-user", "Maasikas", "document-front", "media.selfie", "<dd>shop</dd>"]) expect(page.text).toContain(shown);
    const about = seen.filter(({ values }) => values.includes(id));
    const reads = (table: string) => about.filter(({ text }) => text.startsWith(`select * from "${table}" where`)).length;
    expect(reads("sessions")).toBe(1);
    expect(reads("session_keys")).toBeLessThanOrEqual(2);
    expect(about.length, about.map(({ text }) => text).join("\n")).toBeLessThanOrEqual(STATEMENTS_ABOUT_THE_SESSION);

    // The view is audited under the session's integration, from the row the page read.
    const viewed = (await server.services.audit.listForSession(id)).filter((e) => e.type === "backoffice.viewed");
    expect(viewed.map((e) => e.integration_id)).toEqual([shop.id]);
  });
});
