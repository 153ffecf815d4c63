import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));

/**
 * Compiled copies live inside node_modules so that their imports resolve to the repository's
 * dependencies, one directory per content hash of what goes into the build.
 */
const cacheRoot = path.join(repoRoot, "node_modules", ".cache", "earthid-cli");
const INPUTS = ["src", "bin/earthid.js", "tsconfig.json", "tsconfig.build.json", "package.json"];

function filesUnder(entry: string): string[] {
  const full = path.join(repoRoot, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((child) => filesUnder(path.join(entry, child.name)));
}

function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(filesUnder)) hash.update(`${file}\0`).update(readFileSync(path.join(repoRoot, file))).update("\0");
  return hash.digest("hex").slice(0, 16);
}

function compile(outDir: string): Promise<string> {
  const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noCheck", "--outDir", path.join(outDir, "dist")], { cwd: repoRoot }, (error, stdout, stderr) =>
      resolve(error ? `${stdout}${stderr}`.trim() || error.message : ""),
    );
  });
}

let built: Promise<string> | undefined;

/**
 * `bin/earthid.js` as it runs after `npm run build`, but compiled from the src/ of this moment into
 * a private directory, so a child-process test never runs a stale dist/ and never races anyone
 * else's build of it. Unchanged sources reuse the last build. Emitted without type checking (about
 * four times faster): types are the typecheck's business, not this build's.
 * EARTHID_TEST_CLI=bin/earthid.js runs the tests against the real dist/ instead (or any other build).
 */
export function builtCli(): Promise<string> {
  const given = process.env.EARTHID_TEST_CLI;
  if (given) return Promise.resolve(path.resolve(repoRoot, given));
  built ??= (async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const hash = sourceHash();
      const target = path.join(cacheRoot, hash);
      const bin = path.join(target, "bin", "earthid.js");
      if (existsSync(bin)) return bin;
      const staging = path.join(cacheRoot, `.staging-${process.pid}-${attempt}`);
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(path.join(staging, "bin"), { recursive: true });
      const problems = await compile(staging);
      if (!existsSync(path.join(staging, "dist", "cli", "main.js"))) throw new Error(`build of the CLI failed:\n${problems}`);
      if (problems) process.stderr.write(`built-cli: tsc reported problems (the CLI was emitted anyway):\n${problems}\n`);
      copyFileSync(path.join(repoRoot, "bin", "earthid.js"), path.join(staging, "bin", "earthid.js"));
      // Inside node_modules the repository's package.json is not consulted: restate the module type.
      writeFileSync(path.join(staging, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
      // Someone saved a file while tsc ran, so this output may match no hash: build again, but not
      // forever while others keep editing; the last try is used as it is, and never shared.
      if (sourceHash() !== hash) {
        if (attempt === 2) return path.join(staging, "bin", "earthid.js");
        rmSync(staging, { recursive: true, force: true });
        continue;
      }
      try {
        renameSync(staging, target);
      } catch {
        // A concurrent test process published the same hash first; theirs is as good as ours.
        rmSync(staging, { recursive: true, force: true });
      }
      pruneOldBuilds(hash);
      return bin;
    }
    throw new Error("unreachable");
  })();
  return built;
}

/** Builds of other source states older than a day are dropped; recent ones may be in use. */
function pruneOldBuilds(keep: string): void {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(cacheRoot)) {
    if (name === keep) continue;
    const dir = path.join(cacheRoot, name);
    try {
      if (statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}
