import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaceModel, createFaceModel } from "../../../src/engine/face/model.js";
import { similarity } from "../../../src/engine/face/similarity.js";
import { DEFAULT_POLICY } from "../../../src/engine/policy/policy.js";

const image = (name: string) => readFile(new URL(`../../fixtures/images/${name}`, import.meta.url));
const checkOf = (reading: { checks: { name: string }[] }, name: string) => reading.checks.find((c) => c.name === name) as { outcome: string; score: number | null; evidence: Record<string, unknown> } | undefined;

describe("the face model", () => {
  let model: FaceModel;
  let obama: Buffer;
  beforeAll(async () => {
    model = await createFaceModel();
    obama = await image("obama.jpg");
  });
  afterAll(() => model.close());

  it("runs on tfjs's wasm backend with human's own models", () => {
    expect(model.info).toEqual({ library: "@vladmandic/human@3.3.6", tfjs: "4.22.0", backend: "wasm", models: ["blazeface", "facemesh", "faceres", "antispoof", "liveness"] });
  });

  it("leaves the thread unable to fetch anything but local files", async () => {
    await expect(fetch("https://example.com/model.json")).rejects.toThrow(/network access is disabled/);
    const local = await fetch(new URL("../../fixtures/images/README.md", import.meta.url).href);
    expect(await local.text()).toMatch(/obama/);
  });

  it("finds one frontal face in a portrait, with its descriptor and every check passing", async () => {
    const reading = await model.read(obama);
    expect(reading.faces).toHaveLength(1);
    const [face] = reading.faces;
    expect(face!.embedding).toHaveLength(1024);
    expect(face!.box.x + face!.box.width).toBeLessThanOrEqual(910);
    expect(Math.abs(face!.pose.yaw)).toBeLessThan(20);
    expect(face!.antispoof).toBeGreaterThan(0);
    expect(reading.checks.filter((c) => ["face.count", "face.size", "face.pose"].includes(c.name)).map((c) => c.outcome)).toEqual(["pass", "pass", "pass"]);
    expect(checkOf(reading, "face.antispoof")).toMatchObject({ outcome: "inconclusive", evidence: { weakSignal: true } });
  });

  it("skips the antispoof and liveness models on a document's printed portrait, and finds the same face", async () => {
    const [live, printed] = [await model.read(obama), await model.read(obama, { printed: true })];
    expect(printed.faces[0]!.box).toEqual(live.faces[0]!.box);
    expect(printed.faces[0]).toMatchObject({ antispoof: null, live: null });
    expect(live.faces[0]!.antispoof).toBeGreaterThan(0);
  });

  it("turns a photo upright by its EXIF orientation before looking", async () => {
    const stored = await sharp(obama).rotate(270).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const reading = await model.read(stored);
    expect(checkOf(reading, "face.count")!.evidence.image).toEqual({ width: 910, height: 1137 });
    expect(reading.faces).toHaveLength(1);
    expect(Math.abs(reading.faces[0]!.pose.roll)).toBeLessThan(20);
  });

  it("finds no face in a blank image, and says so", async () => {
    const blank = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#8a8a8a" } }).png().toBuffer();
    const reading = await model.read(blank);
    expect(reading.faces).toEqual([]);
    expect(checkOf(reading, "face.count")).toMatchObject({ outcome: "fail", score: 0 });
  });

  it("counts two people side by side as two faces, but not a small ghost portrait beside the main one", async () => {
    const portrait = await sharp(obama).resize(455).toBuffer();
    const ghost = await sharp(obama).resize(240).greyscale().toBuffer();
    const canvas = (overlay: Buffer, left: number) => sharp({ create: { width: 1000, height: 600, channels: 3, background: "#f0efe8" } }).composite([{ input: portrait, left: 0, top: 0 }, { input: overlay, left, top: 20 }]).jpeg().toBuffer();
    const twoPeople = await model.read(await canvas(portrait, 520));
    expect(checkOf(twoPeople, "face.count")).toMatchObject({ outcome: "fail", score: 2 });
    const withGhost = await model.read(await canvas(ghost, 700));
    expect(withGhost.faces).toHaveLength(2);
    expect(checkOf(withGhost, "face.count")).toMatchObject({ outcome: "pass", score: 1 });
  });

  it("finds a face too small to compare and says so", async () => {
    const tiny = await sharp(obama).resize(150).jpeg().toBuffer();
    const reading = await model.read(tiny);
    expect(reading.faces.length).toBeGreaterThan(0);
    expect(checkOf(reading, "face.size")!.outcome).toBe("fail");
  });

  it("answers bytes that are no image with a failed check instead of throwing", async () => {
    const reading = await model.read(Buffer.from("GIF89a but not really"));
    expect(reading).toEqual({ faces: [], checks: [expect.objectContaining({ name: "face.image", outcome: "fail" })] });
  });

  it("tells Obama from Biden at the default threshold, and Obama's photos from each other apart from Biden", async () => {
    const read = async (bytes: Buffer) => (await model.read(bytes)).faces[0]!.embedding;
    const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url));
    const [obama1, obama2, biden] = [await read(obama), await read(await fixture("obama2.jpg")), await read(await fixture("biden.jpg"))];
    expect(similarity(obama1, biden)).toBeLessThan(DEFAULT_POLICY.face.threshold);
    expect(similarity(obama2, biden)).toBeLessThan(DEFAULT_POLICY.face.threshold);
    expect(similarity(obama1, obama2)).toBeGreaterThan(Math.max(similarity(obama1, biden), similarity(obama2, biden)));
    expect(similarity(obama1, obama2)).toBeGreaterThanOrEqual(DEFAULT_POLICY.face.reviewFrom);
  });
});
