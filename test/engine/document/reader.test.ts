import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import bwipjs from "bwip-js";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentReader, type DocumentReader } from "../../../src/engine/document/index.js";
import type { Check } from "../../../src/engine/types.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(path.resolve(here, "../../fixtures/images", name));
const outcome = (checks: Check[], name: string) => checks.find((check) => check.name === name)?.outcome;
const TODAY = new Date("2026-12-04T12:00:00Z");

let reader: DocumentReader;
beforeAll(async () => {
  reader = await createDocumentReader();
});
afterAll(async () => {
  await reader?.close();
});

describe("the document reader", () => {
  it("reads the ICAO specimen passport exactly and flags it as a specimen", async () => {
    const reading = await reader.read({ front: fixture("icao-passport-td3.jpg") }, { today: TODAY });
    expect(reading.source).toBe("mrz");
    expect(reading.mrz).toMatchObject({
      format: "TD3",
      lines: ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"],
      checkDigitsValid: true,
      specimen: true,
      failing: [],
      compositeHolds: true,
      withheld: [],
    });
    expect(reading.fields).toMatchObject({ lastName: "ERIKSSON", firstName: "ANNA MARIA", dateOfBirth: "1974-08-12", documentNumber: "L898902C3", validUntil: "2012-04-15" });
    expect(outcome(reading.checks, "document.front.blur")).toBe("pass");
    expect(outcome(reading.checks, "mrz.check_digits")).toBe("pass");
  });

  it("finds the MRZ of a page photographed tilted, small and off-centre on a desk", async () => {
    const page = await sharp(fixture("icao-passport-td2.jpg")).resize(700).rotate(-9, { background: "#5a4a3a" }).toBuffer();
    const photo = await sharp({ create: { width: 1100, height: 900, channels: 3, background: "#5a4a3a" } })
      .composite([{ input: page, left: 250, top: 60 }])
      .jpeg({ quality: 85 })
      .toBuffer();
    const reading = await reader.read({ front: photo }, { today: TODAY });
    expect(reading.mrz?.format).toBe("TD2");
    expect(reading.mrz?.lines).toEqual(["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]);
    expect(reading.fields.documentType).toBe("ID_CARD");
  });

  it("reads a three-line TD1 identity card", async () => {
    const reading = await reader.read({ front: fixture("100_id-che.jpg") }, { today: TODAY });
    expect(reading.mrz).toMatchObject({ format: "TD1", checkDigitsValid: true, specimen: false });
    // The fields the check digits vouch for (names have none: OCR may read its Q as O).
    expect(reading.fields).toMatchObject({ issuingCountry: "CH", nationality: "CH", documentNumber: "S0002068", dateOfBirth: "1981-02-28", validUntil: "2013-01-01", lastName: "VADIS" });
  });

  it("reads a driving licence from the PDF417 on its back, turned a few degrees", async () => {
    // `columns` and `eclevel` are bwip-js options its typings leave out.
    const options = { bcid: "pdf417", text: aamvaPayload(), scale: 3, columns: 8, eclevel: 5 } as unknown as Parameters<typeof bwipjs.toBuffer>[0];
    const barcode = await (bwipjs.toBuffer(options) as Promise<Buffer>);
    const card = await sharp({ create: { width: 1000, height: 640, channels: 3, background: "#e8e4d8" } })
      .composite([{ input: barcode, left: 60, top: 120 }])
      .rotate(5, { background: "#404040" })
      .jpeg({ quality: 90 })
      .toBuffer();
    const front = await sharp({ create: { width: 1000, height: 640, channels: 3, background: "#d8e0e8" } }).jpeg().toBuffer();
    const reading = await reader.read({ front, back: card }, { documentType: "DRIVERS_LICENSE", today: TODAY });
    expect(reading.source).toBe("pdf417");
    expect(reading.fields).toMatchObject({
      firstName: "JANE", lastName: "SAMPLE", dateOfBirth: "1990-01-15", validUntil: "2030-08-31",
      documentNumber: "D1234567", documentType: "DRIVERS_LICENSE", issuingCountry: "US", gender: "F",
    });
    expect(outcome(reading.checks, "pdf417.decoded")).toBe("pass");
  });

  it("says so when an upload cannot be decoded, and reads nothing", async () => {
    const reading = await reader.read({ front: Buffer.from("%PDF-1.7 not an image") });
    expect(reading.source).toBeNull();
    expect(reading.mrz).toBeNull();
    expect(outcome(reading.checks, "document.front.decodable")).toBe("fail");
    expect(outcome(reading.checks, "mrz.found")).toBe("fail");
  });

  it("finds no MRZ on a page that has none", async () => {
    const reading = await reader.read({ front: await sharp(fixture("obama.jpg")).resize(600).toBuffer() });
    expect(reading.mrz).toBeNull();
    expect(reading.fields.documentNumber).toBeNull();
    expect(outcome(reading.checks, "mrz.found")).toBe("fail");
  });
});

/** An AAMVA v10 payload (header, one DL subfile) as a US licence's barcode carries it. */
function aamvaPayload(): string {
  const elements = ["DAQD1234567", "DCSSAMPLE", "DACJANE", "DADNONE", "DBB01151990", "DBA08312030", "DBD08312022", "DBC2", "DAJCA", "DAK945010000", "DCGUSA"];
  const subfile = `DL${elements.join("\n")}\r`;
  const header = "@\n\x1e\rANSI 636014100001";
  const offset = header.length + 10;
  return `${header}DL${String(offset).padStart(4, "0")}${String(subfile.length).padStart(4, "0")}${subfile}`;
}

describe("the document reader on the specimens Tesseract alone cannot read", () => {
  it("reads a passport scanned at 272 px across, blurred: PaddleOCR on the lines cut close, fillers as Tesseract saw them", async () => {
    const reading = await reader.read({ front: fixture("27_pass-gbr.jpg") }, { today: TODAY });
    expect(reading.mrz).toMatchObject({ format: "TD3", checkDigitsValid: true, failing: [] });
    expect(reading.mrz?.lines[1]).toBe("1071828900GBR8501178F1601312<<<<<<<<<<<<<<06");
    expect(reading.fields).toMatchObject({ documentNumber: "107182890", dateOfBirth: "1985-01-17", validUntil: "2016-01-31", firstName: "JODIE PIPPA" });
  });

  it("reads an identity card whose optional data Tesseract misreads in every cut, from PaddleOCR's reading confirmed by the composite", async () => {
    const reading = await reader.read({ front: fixture("100_id-si.jpg") }, { today: TODAY });
    expect(reading.mrz).toMatchObject({
      format: "TD1",
      checkDigitsValid: true,
      lines: ["I<SI<09999100180706966505468<<", "6606079F0807276SI<<<<<<<<<<<<0", "VZOREC<<TINA<<<<<<<<<<<<<<<<<<"],
    });
  });

  it("does not make valid a card printed with a wrong check digit (its document number's: 1 where 8 holds)", async () => {
    const reading = await reader.read({ front: fixture("33_id-usa.jpg") }, { today: TODAY });
    expect(reading.mrz?.format).toBe("TD1");
    expect(reading.mrz?.checkDigitsValid).toBe(false);
    expect(reading.checks.find((check) => check.name === "mrz.check_digits")?.outcome).toBe("fail");
  });
});
