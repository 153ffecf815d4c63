// The yardstick of bench/create-session.ts: a bare Fastify route (the same Fastify the service
// uses, no logger, no plugins) that parses the same JSON body with Fastify's default parser and
// answers a canned 201 of the same byte size as the real response. Plain JavaScript, so no loader
// runs in this process either. Env: PORT, CANNED_SIZE (bytes of the response body).
import Fastify from "fastify";
import { serveCanned } from "./canned-route.mjs";

await serveCanned(Fastify());
