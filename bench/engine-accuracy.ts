/**
 * bench:engine-accuracy — the document reader on the shared MRZ specimens (real photos and scans,
 * not ours) and on the held synthetic set:
 *
 *   - how many of the 31 numbered specimens come back with every check digit valid (PassportEye,
 *     the peer, manages 19; the goal is 27), and whether both ICAO specimens read exactly;
 *   - field by field against a transcription made by eye (bench/mrz-specimens-truth.json):
 *     exact, withheld (inconclusive: a person looks) or wrong, since a check digit can hold by
 *     chance on a misread number;
 *   - the same on the held set written by bench/synth-set.ts, when it is there;
 *   - CPU per image (every thread) p50/p95, the fairer number on a shared machine.
 *
 *   npx tsx bench/engine-accuracy.ts [held-set-dir]     (default data/synth-held-set, skipped if absent)
 *   BENCH_NO_FALLBACK=1 npx tsx bench/engine-accuracy.ts    (Tesseract alone, without PaddleOCR)
 *
 * The specimens are not in the repository: they are read from ../shared/data beside it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDocumentReader, type DocumentReader } from "../src/engine/document/index.js";
import type { DocumentReading } from "../src/engine/types.js";
import { type FieldTruth, FieldTally, scoreFields } from "./field-score.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const specimens = path.resolve(root, "../shared/data/mrz-specimens");
const heldDir = path.resolve(process.argv[2] ?? path.join(root, "data/synth-held-set"));
const PEER = { name: "PassportEye", count: 19 };
const GOAL = 27;
const ICAO = new Set(["icao-passport-td3.jpg", "icao-passport-td2.jpg"]);
const ICAO_LINES: Record<string, string[]> = {
  "icao-passport-td3.jpg": ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"],
  "icao-passport-td2.jpg": ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"],
};

interface SpecimenTruth extends FieldTruth { file: string; format: string; lines: (string | null)[] | null }

if (!existsSync(specimens)) {
  console.error(`No specimens at ${specimens}: this bench reads ../shared/data/mrz-specimens beside the repository.`);
  process.exit(2);
}
const truths = new Map<string, SpecimenTruth>(
  (JSON.parse(readFileSync(path.join(root, "bench/mrz-specimens-truth.json"), "utf8")).items as SpecimenTruth[]).map((t) => [t.file, t]),
);

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? Number.NaN;
let peakRss = process.memoryUsage().rss;

/** One read, with its wall and CPU time (CPU of every thread: Tesseract recognises in its own). */
async function timedRead(reader: DocumentReader, bytes: Buffer): Promise<{ reading: DocumentReading; ms: number; cpuMs: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const reading = await reader.read({ front: bytes });
  const cpu = process.cpuUsage(cpuStart);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { reading, ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const sameLines = (read: string[] | undefined, truth: (string | null)[] | null) =>
  !!read && !!truth && truth.length === read.length && truth.every((line, i) => line === null || line === read[i]);

console.log(`engine-accuracy${process.env.BENCH_NO_FALLBACK === "1" ? " (no PaddleOCR fallback)" : ""}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
const loadStart = performance.now();
// BENCH_NO_FALLBACK=1: Tesseract alone, to weigh what PaddleOCR's fallback earns.
const reader = await createDocumentReader({ ocrFallback: process.env.BENCH_NO_FALLBACK !== "1" });
const loadMs = performance.now() - loadStart;

async function specimenRun() {
  const files = readdirSync(specimens).filter((file) => /\.(jpe?g|png)$/i.test(file)).sort();
  const tally = new FieldTally();
  const cpu: number[] = [], wall: number[] = [];
  let valid = 0, numbered = 0, exactLines = 0, transcribedLines = 0;
  const icao: string[] = [];
  for (const file of files) {
    const { reading, ms, cpuMs } = await timedRead(reader, readFileSync(path.join(specimens, file)));
    wall.push(ms);
    cpu.push(cpuMs);
    const allValid = reading.mrz?.checkDigitsValid === true;
    const isNumbered = /^\d+_/.test(file);
    if (isNumbered) { numbered++; if (allValid) valid++; }
    if (ICAO.has(file)) icao.push(`${file}: ${sameLines(reading.mrz?.lines, ICAO_LINES[file]!) ? "exact" : "NOT exact"}`);
    const truth = truths.get(file);
    const scores = truth ? scoreFields(reading.fields, truth) : {};
    tally.add(scores);
    if (truth?.lines) { transcribedLines++; if (sameLines(reading.mrz?.lines, truth.lines)) exactLines++; }
    const wrong = Object.entries(scores).filter(([, o]) => o !== "exact").map(([f, o]) => `${f} ${o}`);
    const digits = reading.checks.find((check) => check.name === "mrz.check_digits");
    const invalid = (digits?.evidence.invalid as string[] | undefined) ?? [];
    console.log(
      `${allValid ? "valid  " : "INVALID"} ${file.padEnd(24)} ${reading.mrz?.format ?? "-  "} ${ms.toFixed(0).padStart(6)} ms wall ${cpuMs.toFixed(0).padStart(6)} ms cpu` +
        (invalid.length ? `  failing: ${invalid.join(", ")}` : "") + (wrong.length ? `  fields: ${wrong.join(", ")}` : ""),
    );
    for (const line of reading.mrz?.lines ?? []) console.log(`          ${line}`);
  }
  console.log("");
  console.log(`every check digit valid: ${valid} of ${numbered} numbered images (${PEER.name}: ${PEER.count}; goal ${GOAL})`);
  console.log(`ICAO specimens: ${icao.join("; ")}`);
  console.log(`whole MRZ exact: ${exactLines} of ${transcribedLines} transcribed; fields against the transcription (${tally.total("exact")} exact, ${tally.total("withheld")} withheld, ${tally.total("wrong")} wrong):`);
  for (const line of tally.lines()) console.log(line);
  console.log(`time per image, wall: p50 ${pct(wall, 0.5).toFixed(0)} ms, p95 ${pct(wall, 0.95).toFixed(0)} ms; cpu (all threads): p50 ${pct(cpu, 0.5).toFixed(0)} ms, p95 ${pct(cpu, 0.95).toFixed(0)} ms`);
}

interface HeldItem { file: string; format: string; mrz: string[]; document: { number: string; issuingState: string; validUntil: string }; person: { firstName: string; lastName: string; dateOfBirth: string; gender: "M" | "F"; nationality: string | null } }

/** The held set's truth in the specimens' shape: names and codes as the MRZ carries them. */
function heldTruth(item: HeldItem): FieldTruth {
  const layoutNames = item.format === "TD1" ? item.mrz[2]! : item.mrz[0]!.slice(5);
  const [primary = "", ...rest] = layoutNames.replace(/<+$/, "").split("<<");
  const words = (part: string) => part.replace(/</g, " ").trim() || null;
  const nationality = item.format === "TD1" ? item.mrz[1]!.slice(15, 18) : item.mrz[1]!.slice(10, 13);
  return {
    documentNumber: item.document.number,
    lastName: words(primary),
    firstName: words(rest.join("<")),
    birthDate: item.person.dateOfBirth.slice(2).replace(/-/g, ""),
    expiryDate: item.document.validUntil.slice(2).replace(/-/g, ""),
    sex: item.person.gender,
    issuingState: item.document.issuingState.replace(/<+$/, ""),
    nationality: nationality.replace(/<+$/, ""),
  };
}

async function heldRun() {
  const truthFile = path.join(heldDir, "truth.json");
  if (!existsSync(truthFile)) {
    console.log(`\nheld set: none at ${heldDir} (write it with: npx tsx bench/synth-set.ts)`);
    return;
  }
  const held = JSON.parse(readFileSync(truthFile, "utf8")) as { seed: string; items: HeldItem[] };
  const tally = new FieldTally();
  const cpu: number[] = [];
  let valid = 0, exact = 0;
  const byProfile = new Map<string, { valid: number; of: number }>();
  for (const item of held.items) {
    const { reading, cpuMs } = await timedRead(reader, readFileSync(path.join(heldDir, item.file)));
    cpu.push(cpuMs);
    const allValid = reading.mrz?.checkDigitsValid === true;
    if (allValid) valid++;
    if (sameLines(reading.mrz?.lines, item.mrz)) exact++;
    const profile = item.file.replace(/^.*-(\w+)\.jpg$/, "$1");
    const p = byProfile.get(profile) ?? { valid: 0, of: 0 };
    p.of++;
    if (allValid) p.valid++;
    byProfile.set(profile, p);
    tally.add(scoreFields(reading.fields, heldTruth(item)));
  }
  console.log("");
  console.log(`held set (${held.items.length} photos, seed ${held.seed}): every check digit valid ${valid}, whole MRZ exact ${exact}; ${[...byProfile].map(([k, v]) => `${k} ${v.valid}/${v.of}`).join(", ")}`);
  console.log(`fields (${tally.total("exact")} exact, ${tally.total("withheld")} withheld, ${tally.total("wrong")} wrong):`);
  for (const line of tally.lines()) console.log(line);
  console.log(`cpu per photo (all threads): p50 ${pct(cpu, 0.5).toFixed(0)} ms, p95 ${pct(cpu, 0.95).toFixed(0)} ms`);
}

await specimenRun();
await heldRun();
await reader.close();
console.log(`reader load (Tesseract + zxing + warm-up): ${loadMs.toFixed(0)} ms; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`);
