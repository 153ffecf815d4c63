/**
 * Screenshots of every back-office page, into docs/screenshots/admin-*.png: a throwaway server on a
 * temporary SQLite store, filled with a few sessions, visited in Debian's chromium.
 * Run with `npm run screenshots:admin` (the hosted flow's pages have their own `npm run screenshots`).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { buildApp } from "../src/app/http.js";
import { loadConfig } from "../src/config.js";
import { openMigratedServices } from "../src/app/compose.js";
import { OPERATOR } from "../src/audit/events.js";
import { reviewByPerson } from "../src/verification/assess-job.js";
import { reviewerAccountsFor } from "../src/backoffice/adapter.js";
import { totpCode } from "../src/backoffice/totp.js";
import { sign } from "../test/support/client.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "docs", "screenshots");
const dataDir = mkdtempSync(path.join(tmpdir(), "earthid-shots-"));
const PASSWORD = "screenshots only, not a real one";

const config = loadConfig({ EARTHID_DATA_DIR: dataDir, LOG_LEVEL: "silent", PORT: "0" });
// Submissions wait in review for a person, as the queue and the case are meant to be shown (the engine would decide them).
const { app, services: runtime } = await buildApp(config, (observers) => openMigratedServices(config, observers, { assessment: reviewByPerson }));
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

try {
  const shop = await runtime.integrations.createIntegration({ name: "Acme Travel", decisionWebhookUrl: "https://hooks.acme.example/earthid" });
  await runtime.integrations.createIntegration({ name: "Sandbox", isTest: true });
  const passport = readFileSync(path.join(root, "test/fixtures/images/icao-passport-td3.jpg")).toString("base64");
  const face = readFileSync(path.join(root, "test/fixtures/images/obama.jpg")).toString("base64");
  const call = async (method: string, url: string, body?: unknown, signOver?: string) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    const res = await fetch(base + url, {
      method,
      headers: { "content-type": "application/json", "x-auth-client": shop.apiKey, "x-hmac-signature": sign(shop.sharedSecret, signOver ?? text) },
      ...(body === undefined ? {} : { body: text }),
    });
    return res.json() as Promise<any>;
  };
  const people = [["Mari", "Maasikas", "cust-1042"], ["Jaan", "Tamm", "cust-1043"], ["Liis", "Kask", "cust-1044"], ["Peeter", "Saar", "cust-1045"]] as const;
  const ids: string[] = [];
  for (const [firstName, lastName, vendorData] of people) {
    const created = await call("POST", "/earthid/api/sessions", { verification: { vendorData, person: { firstName, lastName, dateOfBirth: "1990-04-12" }, document: { type: "PASSPORT", country: "EE", number: "K1234567" } } });
    const id = created.verification.id as string;
    for (const [context, content] of [["document-front", passport], ["face", face]] as const) await call("POST", `/earthid/api/sessions/${id}/media`, { image: { context, content, timestamp: new Date().toISOString() } });
    await call("PATCH", `/earthid/api/sessions/${id}`, { verification: { status: "submitted", timestamp: new Date().toISOString() } });
    ids.push(id);
  }
  await runtime.lifecycle.decide({ sessionId: ids[3]!, verdict: "approved", actor: OPERATOR });

  const accounts = reviewerAccountsFor(runtime);
  const { reviewer: lead } = await accounts.create({ email: "lead@acme.example", role: "admin", password: PASSWORD });
  // A policy version made in the back-office, so that the integration's page names its author.
  await runtime.policies.change(shop.id, { faceThreshold: 0.62, minimumAge: 21 }, { kind: "reviewer", reviewerId: lead.id });
  await accounts.create({ email: "new.admin@acme.example", role: "admin", password: PASSWORD });

  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  const shot = (name: string) => page.screenshot({ path: path.join(out, `admin-${name}.png`), fullPage: true });
  const logIn = async (email: string) => {
    await page.goto(`${base}/admin/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
  };

  await page.goto(`${base}/admin/login`);
  await shot("login");
  await logIn("new.admin@acme.example");
  await page.waitForURL(/enrol/);
  await shot("enrol");
  const secret = (await page.getByTestId("totp-secret").textContent())!;
  await page.getByLabel("6-digit code").fill(totpCode(secret, Date.now()));
  await page.getByRole("button", { name: "Turn on" }).click();
  await page.waitForURL(/queue/);
  await page.goto(`${base}/admin/sessions/${ids[1]}`);
  await page.getByRole("button", { name: "Assign to me" }).click();
  await page.context().clearCookies();

  // The lead, enrolled the same way out of sight.
  const login = await accounts.logIn("lead@acme.example", PASSWORD);
  const current = (await accounts.current(login.token))!;
  const leadSecret = (await accounts.beginEnrolment(current)).secret;
  await accounts.confirmEnrolment(current, totpCode(leadSecret, Date.now() - 30_000)); // the current code stays unused
  await logIn("lead@acme.example");
  await page.waitForURL(/code/);
  await shot("code");
  await page.getByLabel(/6-digit code/).fill(totpCode(leadSecret, Date.now()));
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(/queue/);
  await shot("queue");
  await page.goto(`${base}/admin/sessions/${ids[0]}`);
  await page.getByRole("button", { name: "Assign to me" }).click();
  await page.getByText("The case is assigned to you.").waitFor();
  await shot("session");
  await page.goto(`${base}/admin/sessions/${ids[3]}`);
  await shot("session-decided");
  await page.goto(`${base}/admin/overview`);
  await shot("overview");
  await page.goto(`${base}/admin/integrations`);
  await shot("integrations");
  await page.goto(`${base}/admin/integrations/${shop.id}`);
  await shot("integration");
  await page.goto(`${base}/admin/deliveries`);
  await shot("deliveries");
  await page.goto(`${base}/admin/account`);
  await shot("account");
  await browser.close();
  process.stdout.write(`screenshots written to ${path.relative(root, out)}/admin-*.png\n`);
} finally {
  await app.close();
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
}
