/**
 * Writes the held set of synthetic photographs for the MRZ reader's accuracy bench: N photos of
 * the side of a document that carries an MRZ (passport data pages and ID card backs, photographed
 * on a desk: tilted, rotated up to 15°, blurred, noisy, glared, JPEG) and `truth.json` with, for
 * each file, the MRZ lines it should read as, the document's fields and the photo's parameters.
 * The same seed and day give the same files, byte for byte, on this machine.
 *
 *   npx tsx bench/synth-set.ts [out-dir]        (default data/synth-held-set)
 *
 * Knobs (env): SYNTH_COUNT (200), SYNTH_SEED ("earthid-held-v1"), SYNTH_AS_OF (2026-12-01: the day
 * the documents are valid on, fixed so the set does not change with the calendar).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildHeldSetItem } from "../test/support/synth/index.js";

const out = path.resolve(process.argv[2] ?? "data/synth-held-set");
const count = Number(process.env.SYNTH_COUNT ?? 200);
const seed = process.env.SYNTH_SEED ?? "earthid-held-v1";
const asOf = process.env.SYNTH_AS_OF ?? "2026-12-01";

mkdirSync(out, { recursive: true });
const items: unknown[] = [];
const times: number[] = [];
const started = performance.now();
const cpuStarted = process.cpuUsage();
for (let index = 0; index < count; index++) {
  const t = performance.now();
  const item = await buildHeldSetItem(seed, asOf, index);
  const file = `${String(index).padStart(4, "0")}-${item.document.type === "PASSPORT" ? "td3" : "td1"}-${item.profile}.jpg`;
  writeFileSync(path.join(out, file), item.image);
  times.push(performance.now() - t);
  const { image: _image, index: _index, ...truth } = item;
  items.push({ file, format: item.document.type === "PASSPORT" ? "TD3" : "TD1", ...truth });
  if ((index + 1) % 20 === 0) process.stdout.write(`${index + 1}/${count}\n`);
}
writeFileSync(path.join(out, "truth.json"), `${JSON.stringify({ generator: "test/support/synth", seed, asOf, count, items }, null, 1)}\n`);

const sorted = [...times].sort((a, b) => a - b);
const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
const cpu = process.cpuUsage(cpuStarted);
console.log(`${count} photos in ${out}`);
// CPU time is the fairer number on a shared machine: wall time grows with everyone else's load.
console.log(`CPU per photo (all threads): ${((cpu.user + cpu.system) / 1000 / count).toFixed(0)} ms`);
console.log(`per photo: p50 ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms, mean ${(times.reduce((a, b) => a + b, 0) / count).toFixed(0)} ms; total ${((performance.now() - started) / 1000).toFixed(1)} s`);
