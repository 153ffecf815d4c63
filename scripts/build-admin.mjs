#!/usr/bin/env node
// Builds the back-office's browser script with esbuild into web/admin/build/admin.js (the pages
// work without it: every action is a plain form). Run by `npm run build` and before the tests
// (test/support/admin-bundle.ts); the server only reads the file. The hosted flow has its own
// scripts/build-flow.mjs.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ADMIN_BUNDLE = path.join(root, "web", "admin", "build", "admin.js");

export async function buildAdmin() {
  const result = await build({
    entryPoints: [path.join(root, "web", "admin", "admin.ts")],
    bundle: true,
    write: false,
    minify: true,
    format: "iife",
    target: "es2020",
    logLevel: "silent",
  });
  mkdirSync(path.dirname(ADMIN_BUNDLE), { recursive: true });
  // Written beside and renamed: a server (or a parallel test project) never reads half a file.
  const staging = `${ADMIN_BUNDLE}.tmp-${process.pid}`;
  writeFileSync(staging, result.outputFiles[0].contents);
  renameSync(staging, ADMIN_BUNDLE);
  return ADMIN_BUNDLE;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = await buildAdmin();
  process.stdout.write(`back-office script: ${path.relative(root, file)}\n`);
}
