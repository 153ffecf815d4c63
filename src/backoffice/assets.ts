import { readFile } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import { ADMIN_CSS } from "./client/styles.js";
import { scriptPresent } from "./http/scope.js";

/** Built from web/admin/admin.ts by scripts/build-admin.mjs (`npm run build`); the same path from src/ and dist/. */
const CLIENT_BUNDLE = new URL("../../web/admin/build/admin.js", import.meta.url);

/**
 * The script is read once, as built; where it was not built the pages are served without it:
 * every action is a plain form.
 */
export async function assetRoutes(app: FastifyInstance): Promise<void> {
  const script = await readFile(CLIENT_BUNDLE, "utf8").catch(() => undefined);
  scriptPresent.value = script !== undefined;
  if (script === undefined) app.log.warn("back-office: web/admin/build/admin.js missing (npm run build); pages work without it");
  const publicAccess = { config: { access: "public" as const } };
  app.get("/assets/admin.css", publicAccess, async (_request, reply) => reply.type("text/css; charset=utf-8").send(ADMIN_CSS));
  if (script !== undefined) app.get("/assets/admin.js", publicAccess, async (_request, reply) => reply.type("text/javascript; charset=utf-8").send(script));
}
