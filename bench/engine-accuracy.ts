/**
 * bench:engine-accuracy — the document reader on the shared MRZ specimens (real photos and scans,
 * not ours): how many of the 31 numbered images come back with every check digit valid (PassportEye,
 * the peer, manages 19; the goal is 27), whether both ICAO specimens read exactly, and the time per
 * image. The images are not in the repository: they are read from ../shared/data beside it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDocumentReader } from "../src/engine/document/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.resolve(root, "../shared/data/mrz-specimens");
const PEER = { name: "PassportEye", count: 19 };
const GOAL = 27;
const ICAO_EXPECTED: Record<string, string[]> = {
  "icao-passport-td3.jpg": ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"],
  "icao-passport-td2.jpg": ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"],
};

if (!existsSync(dir)) {
  console.error(`No specimens at ${dir}: this bench reads ../shared/data/mrz-specimens beside the repository.`);
  process.exit(2);
}
const files = readdirSync(dir).filter((file) => /\.(jpe?g|png)$/i.test(file)).sort();
const loadStart = performance.now();
const reader = await createDocumentReader();
const loadMs = performance.now() - loadStart;

let valid = 0;
let numbered = 0;
let peakRss = process.memoryUsage().rss;
const wall: number[] = [];
const cpu: number[] = [];
const icao: string[] = [];
for (const file of files) {
  const bytes = readFileSync(path.join(dir, file));
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const reading = await reader.read({ front: bytes });
  const ms = performance.now() - start;
  const cpuMs = (process.cpuUsage(cpuStart).user + process.cpuUsage(cpuStart).system) / 1000;
  wall.push(ms);
  cpu.push(cpuMs);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const allValid = reading.mrz?.checkDigitsValid === true;
  const isNumbered = /^\d+_/.test(file);
  if (isNumbered) {
    numbered++;
    if (allValid) valid++;
  }
  const expected = ICAO_EXPECTED[file];
  const exact = expected ? JSON.stringify(reading.mrz?.lines) === JSON.stringify(expected) : null;
  if (expected) icao.push(`${file}: ${exact ? "exact" : "NOT exact"}`);
  const digits = reading.checks.find((check) => check.name === "mrz.check_digits");
  const invalid = (digits?.evidence.invalid as string[] | undefined) ?? [];
  console.log(
    `${allValid ? "valid  " : "INVALID"} ${file.padEnd(24)} ${reading.mrz?.format ?? "-  "} ${ms.toFixed(0).padStart(6)} ms wall ${cpuMs.toFixed(0).padStart(6)} ms cpu` +
      (invalid.length ? `  failing: ${invalid.join(", ")}` : "") + (exact === false ? "  (ICAO: not exact)" : ""),
  );
  for (const line of reading.mrz?.lines ?? []) console.log(`          ${line}`);
  const found = reading.checks.find((check) => check.name === "mrz.found");
  const passes = (found?.evidence.passes as { candidate: number; variant: string; held: number; of: number; ms: number }[] | undefined) ?? [];
  if (!allValid) console.log(`          passes: ${passes.map((p) => `#${p.candidate} ${p.variant} ${p.held}/${p.of} ${p.ms}ms`).join(", ")}`);
}
await reader.close();

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
console.log("");
console.log(`every check digit valid: ${valid} of ${numbered} numbered images (${PEER.name}: ${PEER.count}; goal ${GOAL})`);
console.log(`ICAO specimens: ${icao.join("; ")}`);
console.log(`time per image, wall: p50 ${pct(wall, 0.5).toFixed(0)} ms, p95 ${pct(wall, 0.95).toFixed(0)} ms; cpu (all threads): p50 ${pct(cpu, 0.5).toFixed(0)} ms, p95 ${pct(cpu, 0.95).toFixed(0)} ms`);
console.log(`reader load (Tesseract + zxing + warm-up): ${loadMs.toFixed(0)} ms; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`);
