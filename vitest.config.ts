import { defineConfig } from "vitest/config";

/** Tests that touch no store (the engine's readers and policy, the synthetic documents) run once. */
const storeless = ["test/engine/**", "test/synth/**"];

/** Every other test runs twice: on a real SQLite file and on the real PostgreSQL. */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "sqlite", exclude: storeless, env: { EARTHID_TEST_STORE: "sqlite" } } },
      { extends: true, test: { name: "postgres", exclude: storeless, env: { EARTHID_TEST_STORE: "postgres" }, globalSetup: ["test/support/postgres-template.ts"] } },
      { extends: true, test: { name: "engine", include: storeless.map((folder) => `${folder}/*.test.ts`) } },
    ],
  },
});
