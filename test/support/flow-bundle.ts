import { buildFlow } from "../../scripts/build-flow.mjs";

/** Vitest global setup: the hosted flow's bundle, built from the sources of this moment (esbuild, well under a second). */
export default async function setup(): Promise<void> {
  await buildFlow({ quiet: true });
}
