#!/usr/bin/env node
// Builds the hosted flow's browser bundle and stylesheet with esbuild into web/flow/build/: names
// carry a content hash, gzip and brotli forms sit beside them, manifest.json names them for the
// server. Run by `npm run build` (so by `npm ci` through prepare) and before the tests.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "web", "flow", "build");

export async function buildFlow({ quiet = false } = {}) {
  const result = await build({
    entryPoints: {
      flow: path.join(root, "web", "flow", "src", "main.ts"),
      style: path.join(root, "web", "flow", "flow.css"),
      // The finished-session page's few lines, inlined into that page by the server.
      done: path.join(root, "web", "flow", "src", "done.ts"),
    },
    bundle: true,
    minify: true,
    format: "esm",
    target: ["es2020"],
    write: false,
    outdir: out,
    logLevel: "silent",
  });
  const staging = `${out}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const manifest = { script: "", stylesheet: "", doneScript: "", files: [], sizes: {} };
  for (const file of result.outputFiles) {
    const ext = path.extname(file.path);
    const hash = createHash("sha256").update(file.contents).digest("hex").slice(0, 10);
    const entry = path.basename(file.path, ext);
    const name = `${entry === "done" ? "done" : "flow"}.${hash}${ext}`;
    const gzip = gzipSync(file.contents, { level: 9 });
    const br = brotliCompressSync(file.contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
    writeFileSync(path.join(staging, name), file.contents);
    writeFileSync(path.join(staging, `${name}.gz`), gzip);
    writeFileSync(path.join(staging, `${name}.br`), br);
    if (entry === "done") manifest.doneScript = name;
    else if (ext === ".js") manifest.script = name;
    else manifest.stylesheet = name;
    manifest.files.push(name);
    manifest.sizes[name] = { raw: file.contents.length, gzip: gzip.length, br: br.length };
  }
  writeFileSync(path.join(staging, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  // Swapped in whole, so that a server reading the directory never sees half a build.
  rmSync(out, { recursive: true, force: true });
  try {
    (await import("node:fs")).renameSync(staging, out);
  } catch (error) {
    // Another build won the race: its output is as good as ours.
    rmSync(staging, { recursive: true, force: true });
    if (!readFileSync(path.join(out, "manifest.json"), "utf8")) throw error;
  }
  if (!quiet) for (const [name, size] of Object.entries(manifest.sizes)) console.log(`web/flow/build/${name}: ${size.raw} B, ${size.gzip} B gzip, ${size.br} B brotli`);
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildFlow();
