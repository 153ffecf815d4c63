// The engine worker, run from src/ (the tests, tsx) where it is TypeScript: Node 20 ignores
// `--import tsx` in a worker thread's execArgv, so the thread registers tsx's loader itself first.
// Built, the pool starts dist/engine/worker.js directly and this file is never loaded.
import { register } from "tsx/esm/api";

register();
const worker = await import("./worker.ts");
export const verify = worker.verify;
export const readFace = worker.readFace;
export const describe = worker.describe;
