// The yardstick of bench/create-session.ts: a bare Fastify route (the same Fastify the service
// uses, no logger, no plugins) that parses the same JSON body with Fastify's default parser and
// answers a canned 201 of the same byte size as the real response. Plain JavaScript, so no loader
// runs in this process either. Env: PORT, CANNED_SIZE (bytes of the response body).
import Fastify from "fastify";

const size = Number(process.env.CANNED_SIZE);
const prefix = '{"status":"success","verification":{"id":"canned","pad":"';
const suffix = '"}}';
const canned = prefix + "x".repeat(Math.max(0, size - prefix.length - suffix.length)) + suffix;

const app = Fastify();
app.post("/earthid/api/sessions", (request, reply) => {
  if (typeof request.body !== "object" || request.body === null) throw new Error("body not parsed");
  reply.code(201).header("content-type", "application/json; charset=utf-8").send(canned);
});
app.get("/health", async () => ({ status: "ok" }));
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
