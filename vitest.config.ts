import { defineConfig } from "vitest/config";

/** The whole suite runs twice: on a real SQLite file and on the real PostgreSQL. */
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "sqlite", env: { EARTHID_TEST_STORE: "sqlite" }, globalSetup: ["test/support/flow-bundle.ts"] } },
      { extends: true, test: { name: "postgres", env: { EARTHID_TEST_STORE: "postgres" }, globalSetup: ["test/support/postgres-template.ts", "test/support/flow-bundle.ts"] } },
    ],
  },
});
