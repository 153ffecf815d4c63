import { assessUpload } from "../image/quality.js";
import type { DecodedImage } from "../image/decode.js";
import type { Check, DocumentFields, DocumentReading, DocumentType } from "../types.js";
import { fieldsOfReadout } from "./mrz-fields.js";
import { createMrzOcr } from "./mrz-ocr.js";
import { readMrz, type MrzAttempt } from "./mrz-reader.js";
import { createLineReader, type LineReader } from "./paddle-lines.js";
import { prepareBarcodeReader, readLicenceBarcode } from "./pdf417.js";

export interface DocumentImages {
  front: Buffer;
  back?: Buffer;
}

export interface ReadOptions {
  /** The type the session asked for, if any: a driving licence's back is tried for its barcode first. */
  documentType?: DocumentType | null;
  /** The day two-digit birth years are resolved against; today when not given (replays pass the original day). */
  today?: Date;
}

export interface DocumentReader {
  read(images: DocumentImages, options?: ReadOptions): Promise<DocumentReading>;
  close(): Promise<void>;
}

const NO_FIELDS: DocumentFields = {
  firstName: null, lastName: null, dateOfBirth: null, gender: null, nationality: null,
  documentNumber: null, documentType: null, issuingCountry: null, validUntil: null, personalNumber: null,
};

/**
 * Loads Tesseract (one worker, legacy engine) and zxing once; every read reuses them. Nothing else
 * is kept between reads, so one reader per engine worker thread is all the state there is.
 */
export async function createDocumentReader(options: { ocrFallback: boolean } = { ocrFallback: true }): Promise<DocumentReader> {
  const [ocr] = await Promise.all([createMrzOcr(), prepareBarcodeReader()]);
  // Tesseract's first recognition in a worker costs several times a normal one: pay it here.
  await ocr.read({ data: new Uint8Array(64 * 16).fill(255), width: 64, height: 16 });
  // PaddleOCR's session (about 60 MB) is made the first time Tesseract fails on an MRZ, then kept.
  let lineReader: Promise<LineReader> | null = null;
  const fallback = options.ocrFallback ? () => (lineReader ??= createLineReader()) : null;

  return {
    async read(images, options = {}) {
      const today = options.today ?? new Date();
      const front = await assessUpload(images.front, "document.front");
      const back = images.back ? await assessUpload(images.back, "document.back") : null;
      const checks: Check[] = [...front.checks, ...(back?.checks ?? [])];
      const sides = [
        { side: "front", image: front.image },
        { side: "back", image: back?.image ?? null },
      ].filter((s): s is { side: string; image: DecodedImage } => s.image !== null);

      const licenceFirst = options.documentType === "DRIVERS_LICENSE" && back?.image;
      if (licenceFirst) {
        const licence = await barcodeOf(back.image!, checks);
        if (licence) return licence;
      }
      // An ID card's MRZ is on its back: each side is read until one holds every check digit.
      let best: { side: string; attempt: MrzAttempt } | null = null;
      for (const { side, image } of sides) {
        const attempt = await readMrz(image, ocr, fallback);
        if (!best || heldShare(attempt) > heldShare(best.attempt)) best = { side, attempt };
        if (attempt.readout && attempt.readout.invalid.length === 0) break;
      }
      const readout = best?.attempt.readout ?? null;
      checks.push({
        name: "mrz.found",
        outcome: readout ? "pass" : "fail",
        score: null,
        threshold: null,
        evidence: { side: best?.side ?? null, candidates: best?.attempt.candidates ?? 0, passes: best?.attempt.passes ?? [] },
      });
      if (!readout) {
        if (!licenceFirst && back?.image) {
          const licence = await barcodeOf(back.image, checks);
          if (licence) return licence;
        }
        return { source: null, mrz: null, fields: NO_FIELDS, checks };
      }
      const held = readout.valid.length / (readout.valid.length + readout.invalid.length);
      checks.push({
        name: "mrz.check_digits",
        outcome: readout.invalid.length === 0 ? "pass" : "fail",
        score: Math.round(held * 1000) / 1000,
        threshold: 1,
        evidence: { format: readout.layout.format, valid: readout.valid, invalid: readout.invalid, withheld: readout.doubtful, agreeingReads: best!.attempt.agreeing, corrections: readout.corrections },
      });
      const parsed = fieldsOfReadout(readout, today);
      checks.push({
        name: "mrz.fields",
        outcome: parsed.errors.length === 0 ? "pass" : "fail",
        score: null,
        threshold: null,
        evidence: { errors: parsed.errors, specimen: parsed.specimen },
      });
      const format = readout.layout.format === "MRVA" ? "TD3" : readout.layout.format === "MRVB" ? "TD2" : readout.layout.format;
      return {
        source: "mrz",
        mrz: {
          format,
          lines: readout.lines,
          checkDigitsValid: readout.invalid.length === 0,
          specimen: parsed.specimen,
          failing: readout.invalid,
          compositeHolds: readout.layout.checks.some((c) => c.name === "composite") ? readout.valid.includes("composite") : null,
          agreeingReads: best!.attempt.agreeing,
          withheld: readout.doubtful,
        },
        fields: parsed.fields,
        checks,
      };
    },
    async close() {
      await ocr.terminate();
    },
  };
}

function heldShare(attempt: MrzAttempt): number {
  const readout = attempt.readout;
  if (!readout) return -1;
  return readout.valid.length / (readout.valid.length + readout.invalid.length);
}

async function barcodeOf(image: DecodedImage, checks: Check[]): Promise<DocumentReading | null> {
  const licence = await readLicenceBarcode(image);
  checks.push({
    name: "pdf417.decoded",
    outcome: licence ? "pass" : "fail",
    score: null,
    threshold: null,
    evidence: licence ? { turn: licence.turn, attempts: licence.attempts, aamvaVersion: licence.aamvaVersion } : {},
  });
  return licence ? { source: "pdf417", mrz: null, fields: licence.fields, checks } : null;
}
