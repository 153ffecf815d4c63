import type { FastifyPluginAsync } from "fastify";
import { apiError } from "../errors.js";
import { ASSET_PREFIX, type FlowAssets, loadAssets, negotiate } from "./assets.js";
import type { FlowDeps } from "./deps.js";
import { flowApiRoutes } from "./api-routes.js";
import { flowPageRoutes } from "./page-routes.js";

/**
 * The end user's door (its Scope is scope.ts): the pages behind /v/{token}, the flow API
 * under /flow/api scoped by that token, and the bundle under /flow/assets, all from our origin.
 */
export const flowPlugin: FastifyPluginAsync<{ deps: FlowDeps; assets?: FlowAssets }> = async (app, options) => {
  let assets = options.assets;
  const loaded = (): FlowAssets => (assets ??= loadAssets());
  const lazyAssets: FlowAssets = {
    get script() {
      return loaded().script;
    },
    get css() {
      return loaded().css;
    },
    get doneScript() {
      return loaded().doneScript;
    },
    get: (file) => loaded().get(file),
  };

  app.get(`${ASSET_PREFIX}:file`, async (request, reply) => {
    const asset = lazyAssets.get((request.params as { file: string }).file);
    if (!asset) throw apiError("NOT_FOUND", { what: "Asset" });
    const { body, encoding } = negotiate(asset, request.headers["accept-encoding"]);
    if (encoding) reply.header("content-encoding", encoding);
    // Names carry a content hash: a changed file is a new name.
    return reply.header("content-type", asset.type).header("cache-control", "public, max-age=31536000, immutable").header("vary", "accept-encoding").send(body);
  });

  await app.register(flowPageRoutes, { deps: options.deps, assets: lazyAssets });
  await app.register(flowApiRoutes, { deps: options.deps, prefix: "/flow/api" });
};
