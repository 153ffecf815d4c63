import type { DecodedImage } from "../image/decode.js";
import { grayAt } from "../image/gray.js";
import { binarise, isolateLines, lineStrips, PADDLE_MARGIN, sampleBand, sharpen, TESSERACT_MARGIN, type BandOptions } from "./band.js";
import { findMrzCandidates, type MrzCandidate } from "./mrz-finder.js";
import type { MrzOcr, OcrText } from "./mrz-ocr.js";
import { isConfident, mergeNames, readNames, withNames } from "./mrz-names.js";
import { mergeReadouts, withAgreedFillers } from "./mrz-merge.js";
import { onPaper, type LineReader } from "./paddle-lines.js";
import { bestReadout, type MrzReadout } from "./mrz-text.js";

/** The finder works at this size: enough to see MRZ lines as lines, cheap to filter. */
const FINDER_SIDE = 800;
/** Small uploads are enlarged (lanczos) to at least this before bands are cut from them. */
const MIN_SOURCE_SIDE = 1600;
/** OCR passes per image at most: each costs 50-150 ms. */
const MAX_PASSES = 10;

export interface MrzAttempt {
  readout: MrzReadout | null;
  /** What was tried, for the check's evidence. */
  passes: { candidate: number; variant: string; held: number; of: number; ms: number }[];
  candidates: number;
  /** How many passes read exactly the lines of the readout (a failing check digit read the same twice is no misread). */
  agreeing: number;
}

/** The ways a band is cut, in order of how often they read an MRZ the others missed. */
interface Variant {
  name: string;
  options: Omit<BandOptions, "scale">;
  /** Only the band's full-width lines, restacked (see isolateLines); else the band as cut. */
  isolate: boolean;
  binarise?: boolean;
  sharpen?: boolean;
}
const CUT = { lineHeight: 30, marginLines: 0.7, marginEnds: 0.015 };
/** The names' second reading: larger type, the band as cut, reads OCR-B's W and M apart where the first cut did not. */
const NAMES_VARIANT: Variant = { name: "large", options: { ...CUT, lineHeight: 40 }, isolate: false };
const VARIANTS: Variant[] = [
  { name: "lines", options: CUT, isolate: true },
  { name: "band", options: CUT, isolate: false },
  { name: "sharpened", options: CUT, isolate: true, sharpen: true },
  { name: "large", options: { ...CUT, lineHeight: 40 }, isolate: false },
  { name: "binarised", options: CUT, isolate: true, binarise: true },
  { name: "small", options: { ...CUT, lineHeight: 22 }, isolate: false },
  { name: "turn+1", options: { ...CUT, extraAngle: 1 }, isolate: true },
  { name: "turn-1", options: { ...CUT, extraAngle: -1 }, isolate: true },
];

/**
 * Finds and reads the MRZ: the finder's best candidates first with the usual cut, then more cuts
 * of the most promising one, stopping at the first readout whose every check digit holds.
 */
export async function readMrz(image: DecodedImage, ocr: MrzOcr, fallback: (() => Promise<LineReader>) | null): Promise<MrzAttempt> {
  const finderGray = await grayAt(image, FINDER_SIDE);
  const candidates = distinct(findMrzCandidates(finderGray)).slice(0, 4);
  const sourceSide = Math.max(image.width, image.height, MIN_SOURCE_SIDE);
  const source = await grayAt(image, sourceSide);
  const scale = source.width / finderGray.width;
  const passes: MrzAttempt["passes"] = [];
  // A holder, not a variable: the pass closure updates it, and TypeScript cannot follow that.
  const readouts: MrzReadout[] = [];
  const passesOf: number[] = [];
  const found: { best: { readout: MrzReadout; candidate: number } | null } = { best: null };
  const read: string[] = [];
  const texts = new Map<MrzReadout, OcrText>();

  /** One cut read: its readout, recorded in the passes. */
  const readCut = async (index: number, variant: Variant, name = variant.name): Promise<MrzReadout | null> => {
    const cut = sampleBand(source, candidates[index]!, { ...variant.options, scale });
    const band = variant.isolate ? isolateLines(cut, variant.options.lineHeight) : cut;
    if (!band) {
      passes.push({ candidate: index, variant: name, held: 0, of: 0, ms: 0 });
      return null;
    }
    const started = performance.now();
    const prepared = variant.binarise ? binarise(band) : variant.sharpen ? sharpen(band) : band;
    const text = await ocr.read(prepared);
    const readout = bestReadout(text.text);
    if (readout) texts.set(readout, text);
    const held = readout?.valid.length ?? 0;
    passes.push({ candidate: index, variant: name, held, of: readout ? held + readout.invalid.length : 0, ms: Math.round(performance.now() - started) });
    return readout;
  };

  const tryPass = async (index: number, variant: Variant): Promise<boolean> => {
    const readout = await readCut(index, variant);
    if (readout) read.push(readout.lines.join("\n"));
    if (readout && (!found.best || score(readout) > score(found.best.readout))) found.best = { readout, candidate: index };
    if (!readout) return false;
    if (readout.invalid.length === 0) return true;
    // What this cut got right may complete what the earlier cuts of the same candidate got right.
    readouts.push(readout);
    passesOf.push(index);
    const merged = mergeReadouts(readouts.filter((_, i) => passesOf[i] === index));
    if (merged && merged.invalid.length === 0) {
      found.best = { readout: merged, candidate: index };
      passes.push({ candidate: index, variant: "merged", held: merged.valid.length, of: merged.valid.length, ms: 0 });
      return true;
    }
    if (merged && score(merged) > score(found.best!.readout)) found.best = { readout: merged, candidate: index };
    return false;
  };

  /**
   * When no cut read by Tesseract holds every check digit: PaddleOCR reads the lines of the usual
   * cut (it is much better on blur and small type), twice: as Tesseract gets them, and cut close
   * on white paper (see PADDLE_MARGIN), which reads small blurred scans the first way garbles and
   * garbles some the first way reads. What either got right may complete the rest.
   */
  const paddlePass = async (index: number, fallback: () => Promise<LineReader>) => {
    const band = sampleBand(source, candidates[index]!, { ...CUT, scale });
    const earlier = readouts.filter((_, i) => passesOf[i] === index);
    const reader = await fallback();
    const cuts = [
      { variant: "paddleocr", strips: lineStrips(band, CUT.lineHeight, TESSERACT_MARGIN) },
      { variant: "paddleocr:close", strips: lineStrips(band, CUT.lineHeight, PADDLE_MARGIN).map(onPaper) },
    ];
    const ours: MrzReadout[] = [];
    for (const { variant, strips } of cuts) {
      if (strips.length === 0) continue;
      const started = performance.now();
      const lines: string[] = [];
      for (const strip of strips) lines.push(await reader.read(strip));
      const paddleRead = bestReadout(lines.join("\n"));
      const readout = paddleRead && withAgreedFillers(paddleRead, earlier);
      const held = readout?.valid.length ?? 0;
      passes.push({ candidate: index, variant, held, of: readout ? held + readout.invalid.length : 0, ms: Math.round(performance.now() - started) });
      if (readout) ours.push(readout);
    }
    if (ours.length === 0) return;
    for (const readout of ours) read.push(readout.lines.join("\n"));
    const merged = mergeReadouts([...earlier, ...ours]);
    const better = [...ours, merged].filter((r): r is MrzReadout => r !== null).sort((a, b) => score(b) - score(a))[0]!;
    if (!found.best || score(better) > score(found.best.readout)) found.best = { readout: better, candidate: index };
  };

  /** The names of a readout whose check digits all hold, read again by another cut when some letter was unsure. */
  const secondOpinion = async (best: { readout: MrzReadout; candidate: number }): Promise<MrzReadout> => {
    const first = texts.has(best.readout) ? readNames(best.readout, texts.get(best.readout)!) : null;
    if (!first || isConfident(first)) return best.readout;
    const again = await readCut(best.candidate, NAMES_VARIANT, `names:${NAMES_VARIANT.name}`);
    const second = again && again.layout.format === best.readout.layout.format ? readNames(again, texts.get(again)!) : null;
    return second ? withNames(best.readout, mergeNames(first, second)) : best.readout;
  };

  const done = async () => {
    const best = found.best;
    const readout = best && best.readout.invalid.length === 0 ? await secondOpinion(best) : (best?.readout ?? null);
    const agreeing = best ? read.filter((lines) => lines === best.readout.lines.join("\n")).length : 0;
    return { readout, passes, candidates: candidates.length, agreeing };
  };
  // The finder's first candidate is the MRZ on most pages; the next ones are read while nothing
  // better than a garbled readout (fewer than half its check digits holding) has come back.
  for (let index = 0; index < candidates.length; index++) {
    if (index > 0 && found.best && heldShare(found.best.readout) >= 0.5) break;
    if (await tryPass(index, VARIANTS[0]!)) return done();
  }
  const focus = found.best?.candidate ?? 0;
  for (const variant of VARIANTS.slice(1)) {
    if (candidates.length === 0 || passes.length >= MAX_PASSES) break;
    if (await tryPass(focus, variant)) return done();
  }
  if (candidates.length > 0 && fallback) await paddlePass(focus, fallback);
  return done();
}

function heldShare(readout: MrzReadout): number {
  return readout.valid.length / Math.max(1, readout.valid.length + readout.invalid.length);
}

function score(readout: MrzReadout): number {
  return readout.valid.length * 10 - readout.invalid.length * 10 - readout.corrections.length * 0.1;
}

/** Candidates that cover the same lines differently are kept (one may hold the third TD1 line); exact repeats are not. */
function distinct(candidates: MrzCandidate[]): MrzCandidate[] {
  const kept: MrzCandidate[] = [];
  for (const candidate of candidates) {
    const same = kept.some(
      (k) => Math.hypot(k.cx - candidate.cx, k.cy - candidate.cy) < k.lineHeight * 0.5 && Math.abs(k.height - candidate.height) < k.lineHeight * 0.5,
    );
    if (!same) kept.push(candidate);
  }
  return kept;
}

