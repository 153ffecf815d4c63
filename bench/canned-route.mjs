// What bench/bare-server.mjs and bench/floor-server.mjs share: POST /earthid/api/sessions parses the
// JSON body with Fastify's default parser and answers a canned 201 of CANNED_SIZE bytes (the real
// response's size); GET /health for the harness; listen on PORT; stop on SIGTERM.

const size = Number(process.env.CANNED_SIZE);
const prefix = '{"status":"success","verification":{"id":"canned","pad":"';
const suffix = '"}}';
const canned = prefix + "x".repeat(Math.max(0, size - prefix.length - suffix.length)) + suffix;

/** Registers the canned route and /health on `app`, then listens on PORT (loopback). */
export async function serveCanned(app) {
  app.post("/earthid/api/sessions", (request, reply) => {
    if (typeof request.body !== "object" || request.body === null) throw new Error("body not parsed");
    reply.code(201).header("content-type", "application/json; charset=utf-8").send(canned);
  });
  app.get("/health", async () => ({ status: "ok" }));
  await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
  process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
}
