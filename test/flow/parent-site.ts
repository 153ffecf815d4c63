import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const incontextSdk = () => readFileSync(require.resolve("@veriff/incontext-sdk/dist/index.umd.js"));
/** The js-sdk ships as CommonJS: wrapped here as a bundler would, exposing `window.Veriff`. */
const jsSdk = () =>
  `var module = { exports: {} }, exports = module.exports;\n${readFileSync(require.resolve("@veriff/js-sdk/lib/veriff.js"), "utf8")}\n` +
  `var sdk = module.exports.Veriff; window.Veriff = typeof sdk === "function" ? sdk : sdk.Veriff || sdk.default;`;

/**
 * An integrator's web page on another loopback origin (http://localhost:PORT, while the service is
 * at 127.0.0.1): `/embed?url=…` frames the session URL with @veriff/incontext-sdk 2.5.0 and records
 * its events in `window.veriffEvents` (and the frame's raw messages in `window.veriffMessages`); `/create?host=…&key=…` mounts @veriff/js-sdk 2.0.0, which
 * creates a session from the browser and follows its URL. The SDKs are served from here, as an
 * integrator would bundle them.
 */
export async function startParentSite() {
  const pages: Record<string, () => { type: string; body: string | Buffer }> = {
    "/incontext.js": () => ({ type: "text/javascript", body: incontextSdk() }),
    "/js-sdk.js": () => ({ type: "text/javascript", body: jsSdk() }),
    "/embed": () => ({
      type: "text/html",
      body: `<!doctype html><html><head><title>Shop checkout</title><script src="/incontext.js"></script></head><body><h1>Checkout</h1>
<script>
window.veriffEvents = [];
window.veriffMessages = [];
window.addEventListener("message", (event) => window.veriffMessages.push(event.data));
const url = new URLSearchParams(location.search).get("url");
window.veriffSDK.createVeriffFrame({ url, onEvent: (event) => window.veriffEvents.push(event) });
</script></body></html>`,
    }),
    "/create": () => ({
      type: "text/html",
      body: `<!doctype html><html><head><title>Shop sign-up</title><script src="/js-sdk.js"></script></head><body><div id="veriff-root"></div>
<script>
const params = new URLSearchParams(location.search);
const veriff = Veriff({ host: params.get("host"), apiKey: params.get("key"), parentId: "veriff-root",
  onSession: (error, response) => { if (error) { document.title = "error " + error.status; return; } window.location.href = response.verification.url; } });
veriff.setParams({ vendorData: "from-js-sdk" });
veriff.mount();
</script></body></html>`,
    }),
  };
  const server = createServer((req, res) => {
    const page = pages[new URL(req.url ?? "/", "http://localhost").pathname];
    if (!page) return void res.writeHead(404).end();
    const { type, body } = page();
    res.writeHead(200, { "content-type": `${type}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
