import { defineConfig } from "vitest/config";

/** Tests that touch no store (the engine's readers and policy, the synthetic documents) run once. */
const storeless = ["test/engine/**", "test/synth/**"];
/**
 * Each project names its own files: an `include` at the top would be merged into the engine
 * project's (extends: true), which then ran every store test a third time, on SQLite.
 */
const everyTest = ["test/**/*.test.ts"];

/** Every other test runs twice: on a real SQLite file and on the real PostgreSQL. */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "sqlite", include: everyTest, exclude: storeless, env: { EARTHID_TEST_STORE: "sqlite" }, globalSetup: ["test/support/flow-bundle.ts"] } },
      { extends: true, test: { name: "postgres", include: everyTest, exclude: storeless, env: { EARTHID_TEST_STORE: "postgres" }, globalSetup: ["test/support/postgres-template.ts", "test/support/flow-bundle.ts"] } },
      { extends: true, test: { name: "engine", include: storeless.map((folder) => `${folder}/*.test.ts`) } },
    ],
  },
});
