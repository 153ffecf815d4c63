import type { Scope } from "../scopes/scope.js";
import { flowDepsOf } from "./adapter.js";
import { flowPlugin } from "./plugin.js";

/**
 * The end user's door: the pages behind /v/{sessionToken}, the flow API under /flow/api and the
 * bundle under /flow/assets. Its credential is the session token (sessions.endUserOf); its pages
 * set their own CSP over the app-wide `default-src 'none'` and answer errors as HTML pages, inside
 * this encapsulated plugin only. The flow API keeps the app's JSON error bodies.
 */
export const flowScope: Scope = {
  name: "flow",
  async register(app, { services }) {
    await app.register(flowPlugin, { deps: flowDepsOf(services) });
  },
};
