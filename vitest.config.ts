import { defineConfig } from "vitest/config";

/** Tests that touch no store (the engine's readers and policy, the synthetic documents) run once. */
const storeless = ["test/engine/**/*.test.ts", "test/synth/**/*.test.ts"];
const everyTest = ["test/**/*.test.ts"];

/**
 * Every other test runs twice: on a real SQLite file and on the real PostgreSQL. Each project names
 * its own files: a project that extends the root concatenates the root's include with its own.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Each fork is kept for the next file: loading the app afresh for every file cost about a second
    // a file. Files share no state: each starts its own server on its own store. One file at a time
    // (the default on 2 cores): two at once were faster, but the camera's steady-frame capture and a
    // server's shutdown then failed under the contention.
    isolate: false,
    projects: [
      { extends: true, test: { name: "sqlite", include: everyTest, exclude: storeless, env: { EARTHID_TEST_STORE: "sqlite" }, globalSetup: ["test/support/flow-bundle.ts", "test/support/admin-bundle.ts"] } },
      { extends: true, test: { name: "postgres", include: everyTest, exclude: storeless, env: { EARTHID_TEST_STORE: "postgres" }, globalSetup: ["test/support/postgres-template.ts", "test/support/flow-bundle.ts", "test/support/admin-bundle.ts"] } },
      { extends: true, test: { name: "engine", include: storeless } },
    ],
  },
});
