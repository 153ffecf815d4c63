import { defineConfig } from "vitest/config";

/** Tests that touch no store (the engine's readers and policy, the synthetic documents) run once. */
const storeless = ["test/engine/**", "test/synth/**"];

/**
 * Every other test runs twice: on a real SQLite file and on the real PostgreSQL. Each project names
 * its own files: an `include` shared through `extends` would be concatenated with the engine's, and
 * that project would run every store test a third time.
 */
const everyTest = ["test/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "sqlite", include: everyTest, exclude: storeless, env: { EARTHID_TEST_STORE: "sqlite" } } },
      { extends: true, test: { name: "postgres", include: everyTest, exclude: storeless, env: { EARTHID_TEST_STORE: "postgres" }, globalSetup: ["test/support/postgres-template.ts"] } },
      { extends: true, test: { name: "engine", include: storeless.map((folder) => `${folder}/*.test.ts`) } },
    ],
  },
});
