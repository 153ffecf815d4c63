import { buildAdmin } from "../../scripts/build-admin.mjs";

/** vitest globalSetup: the back-office script is built as `npm run build` builds it, before any server reads it. */
export default async function setup(): Promise<void> {
  await buildAdmin();
}
