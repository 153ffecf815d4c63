import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * Copies the SQLite WAL back into the database file from a worker thread, on its own connection.
 * Left to the writing connection, every 1000th page written stops the event loop for the copy and
 * two fsyncs. PASSIVE checkpoints never wait for, nor block, readers and writers; the writing
 * connection keeps a high auto-checkpoint threshold only to rewind the WAL file (which needs a
 * checkpoint right after a commit), and then finds almost every page already copied.
 */
export interface Checkpointer {
  close(): Promise<void>;
}

/** Pages the WAL may hold before the writing connection checkpoints (and rewinds) it itself. */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("synchronous = " + workerData.synchronous);
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const timer = setInterval(() => {
  try { checkpoint.get(); } catch {}
}, workerData.intervalMs);
parentPort.once("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(file: string, synchronous: "NORMAL" | "FULL", intervalMs = 50): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, synchronous, intervalMs } });
  // If the worker dies the writing connection's own auto-checkpoint still bounds the WAL.
  worker.on("error", () => {});
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    async close() {
      // Unref'd so that an idle worker never keeps the process up; held again until it has closed.
      worker.ref();
      worker.postMessage("close");
      await exited;
    },
  };
}
