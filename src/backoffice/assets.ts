import type { FastifyInstance } from "fastify";
import { ADMIN_CSS } from "./client/styles.js";
import { scriptPresent } from "./http/scope.js";

const CLIENT_SOURCE = new URL("../../web/admin/admin.ts", import.meta.url);

/**
 * The script is bundled by esbuild from web/admin/admin.ts when the app is built (once, in memory).
 * Where esbuild or the source is absent (a production install without dev dependencies), the pages
 * are served without it: every action is a plain form.
 */
async function bundleClient(): Promise<string | undefined> {
  try {
    const esbuild = await import("esbuild");
    const result = await esbuild.build({ entryPoints: [CLIENT_SOURCE.pathname], bundle: true, write: false, minify: true, format: "iife", target: "es2020", logLevel: "silent" });
    return result.outputFiles[0]?.text;
  } catch {
    return undefined;
  }
}

export async function assetRoutes(app: FastifyInstance): Promise<void> {
  const script = await bundleClient();
  scriptPresent.value = script !== undefined;
  if (script === undefined) app.log.warn("back-office: client bundle unavailable (esbuild or web/admin missing); pages work without it");
  const publicAccess = { config: { access: "public" as const } };
  app.get("/assets/admin.css", publicAccess, async (_request, reply) => reply.type("text/css; charset=utf-8").send(ADMIN_CSS));
  if (script !== undefined) app.get("/assets/admin.js", publicAccess, async (_request, reply) => reply.type("text/javascript; charset=utf-8").send(script));
}
