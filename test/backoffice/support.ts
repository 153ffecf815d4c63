import { totpCode } from "../../src/backoffice/totp.js";
import { reviewerAccountsFor } from "../../src/backoffice/adapter.js";
import type { Role } from "../../src/backoffice/tables.js";
import type { TestServer } from "../support/server.js";
import { SUBMIT, createSession, lifecycle } from "../lifecycle/helpers.js";
import type { TestIntegration } from "../support/server.js";

export const PASSWORD = "correct horse battery staple";

/** A reviewer account made as the CLI makes it; with `totp`, enrolled, and its secret returned. */
export async function makeReviewer(server: TestServer, email: string, role: Role, options: { totp?: boolean } = {}) {
  const accounts = reviewerAccountsFor(server.services);
  await accounts.create({ email, role, password: PASSWORD });
  if (!options.totp) return { email, secret: undefined };
  // Enrolment as the pages do it: a pending secret, confirmed by a code from it.
  const { token } = await accounts.logIn(email, PASSWORD);
  const login = (await accounts.current(token))!;
  const { secret } = await accounts.beginEnrolment(login);
  // The previous step's code (still accepted): the current one stays unused for the test's login.
  await accounts.confirmEnrolment(login, totpCode(secret, Date.now() - 30_000));
  return { email, secret };
}

/** A session the integrator created and submitted: a non-test integration's submission waits in review. */
export async function sessionInReview(server: Pick<TestServer, "services">, shop: TestIntegration, vendorData = "user-1", options: { image?: Buffer } = {}): Promise<string> {
  const id = await createSession(shop, { vendorData, person: { firstName: "Mari", lastName: "Maasikas" }, document: { type: "PASSPORT", country: "EE" } });
  if (options.image) {
    const content = options.image.toString("base64");
    const uploaded = await shop.api.request("POST", `/earthid/api/sessions/${id}/media`, { body: { image: { context: "document-front", content, timestamp: new Date().toISOString() } } });
    if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status} ${uploaded.text}`);
  }
  const res = await lifecycle(shop).submit(id, SUBMIT);
  if (res.status !== 200) throw new Error(`submit failed: ${res.status} ${res.text}`);
  // The submission's assessment job puts it in review.
  await server.services.jobs.settled(id);
  return id;
}

/**
 * A browser-less client of the back-office under `prefix` ("" at the root of its own port): keeps cookies, reads the CSRF token from the last page,
 * does not follow redirects (tests look at them).
 */
export function formClient(baseUrl: string, prefix = "/admin") {
  const jar = new Map<string, string>();
  let csrf = "";
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, value] = pair!.split("=");
      if (value === "") jar.delete(name!);
      else jar.set(name!, value!);
    }
  };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  return {
    jar,
    get csrf() {
      return csrf;
    },
    async get(path: string) {
      const res = await fetch(baseUrl + path, { headers: { cookie: cookieHeader() }, redirect: "manual" });
      remember(res);
      const text = await res.text();
      csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? csrf;
      return { status: res.status, headers: res.headers, text, location: res.headers.get("location") };
    },
    async post(path: string, form: Record<string, string>, options: { withCsrf?: boolean } = {}) {
      const body = new URLSearchParams({ ...(options.withCsrf === false ? {} : { _csrf: csrf }), ...form });
      const res = await fetch(baseUrl + path, { method: "POST", body, headers: { cookie: cookieHeader(), "content-type": "application/x-www-form-urlencoded" }, redirect: "manual" });
      remember(res);
      const text = await res.text();
      csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? csrf;
      return { status: res.status, headers: res.headers, text, location: res.headers.get("location") };
    },
    /** Password, then (when asked) the code from `secret`. Ends on the queue. */
    async logIn(email: string, secret?: string) {
      await this.get(`${prefix}/login`);
      const first = await this.post(`${prefix}/login`, { email, password: PASSWORD });
      if (first.location === `${prefix}/login/code`) {
        await this.get(`${prefix}/login/code`);
        const second = await this.post(`${prefix}/login/code`, { code: totpCode(secret!, Date.now()) });
        if (second.location !== `${prefix}/queue`) throw new Error(`code refused: ${second.status}`);
      } else if (first.location !== `${prefix}/queue`) throw new Error(`login refused: ${first.status} ${first.location}`);
      await this.get(`${prefix}/queue`);
    },
  };
}
