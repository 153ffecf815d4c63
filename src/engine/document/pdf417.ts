import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parse as parseAamva } from "aamva-parser";
import sharp from "sharp";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";
import type { DecodedImage } from "../image/decode.js";
import type { DocumentFields } from "../types.js";

const require = createRequire(import.meta.url);

/**
 * zxing-cpp's PDF417 detector gives up past about 2° of rotation, so the back of a licence is
 * retried turned by these many degrees, nearest first (engine-lab §5.2: 2°-15° and 30° decode).
 */
const TURNS = [0, -3, 3, -6, 6, -10, 10, -15, 15, -22, 22, -30, 30];

/** Loads zxing's wasm from node_modules (its default fetches it from a CDN, even in Node). */
export async function prepareBarcodeReader(): Promise<void> {
  const wasm = readFileSync(require.resolve("zxing-wasm/reader/zxing_reader.wasm"));
  await prepareZXingModule({
    overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
    fireImmediately: true,
  });
}

export interface LicenceReading {
  fields: DocumentFields;
  /** Degrees the image was turned for the decode to succeed. */
  turn: number;
  attempts: number;
  aamvaVersion: string | null;
}

/** The PDF417 on a driving licence's back, as AAMVA fields; null when none decodes. */
export async function readLicenceBarcode(image: DecodedImage): Promise<LicenceReading | null> {
  let attempts = 0;
  for (const turn of TURNS) {
    attempts++;
    const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .rotate(turn, { background: { r: 255, g: 255, b: 255 } })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const imageData = { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, colorSpace: "srgb" as const };
    // 'Plain': the default 'HRI' spells AAMVA's separators out as <LF>/<RS>, which breaks the parse.
    const [found] = await readBarcodes(imageData as unknown as Parameters<typeof readBarcodes>[0], { formats: ["PDF417"], tryHarder: true, maxNumberOfSymbols: 1, textMode: "Plain" });
    if (!found?.isValid || !found.text.includes("ANSI") && !found.text.includes("AAMVA")) continue;
    return { fields: fieldsOfLicence(found.text), turn, attempts, aamvaVersion: parseAamva(found.text).version ?? null };
  }
  return null;
}

function fieldsOfLicence(text: string): DocumentFields {
  const licence = parseAamva(text);
  const country = licence.countryCode ?? (licence.country === "Canada" ? "CA" : licence.country === "United States" ? "US" : null);
  const gender = licence.gender === "Male" ? "M" : licence.gender === "Female" ? "F" : null;
  return {
    firstName: licence.firstName ?? null,
    lastName: licence.lastName ?? null,
    dateOfBirth: isoDay(licence.dateOfBirth),
    gender,
    nationality: null,
    documentNumber: licence.driversLicenseId ?? null,
    documentType: "DRIVERS_LICENSE",
    issuingCountry: country ? country.slice(0, 2) : null,
    validUntil: isoDay(licence.expirationDate),
    personalNumber: null,
  };
}

/** aamva-parser builds its dates in local time: read them back the same way. */
function isoDay(date: Date | null | undefined): string | null {
  if (!date || Number.isNaN(date.getTime())) return null;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
