/**
 * A selfie of a document's holder. The same person from another source photo when the repository
 * has one (only `obama` has three); otherwise the document's own photo, re-lit, re-framed and
 * perhaps mirrored, which is weaker evidence and is flagged as such (`sameSourceAsDocument`).
 */
import sharp, { type OutputInfo } from "sharp";
import { FACE_PHOTOS, type PersonId } from "../faces.js";
import type { Random } from "../random.js";

export interface SelfieParams {
  person: PersonId;
  /** Index into the person's photos. */
  photo: number;
  /** The document's portrait came from the same photo. */
  sameSourceAsDocument: boolean;
  mirror: boolean;
  /** How much wider than the portrait box the frame is (1 = the document's own crop). */
  zoom: number;
  offsetX: number;
  offsetY: number;
  rotationDeg: number;
  brightness: number;
  saturation: number;
  hue: number;
  /** 0 for none; 6 and more makes the face unusable. */
  blurSigma: number;
  jpegQuality: number;
  width: number;
  height: number;
}

export function randomSelfieParams(random: Random, person: PersonId, documentPhoto: number, options: { blurred?: boolean } = {}): SelfieParams {
  const count = FACE_PHOTOS[person].length;
  const others = Array.from({ length: count }, (_, i) => i).filter((i) => i !== documentPhoto % count);
  const photo = others.length > 0 ? random.pick(others) : documentPhoto % count;
  const round = (value: number) => Number(value.toFixed(2));
  return {
    person,
    photo,
    sameSourceAsDocument: photo === documentPhoto % count,
    mirror: random.chance(0.5),
    zoom: round(random.range(1.15, 1.45)),
    offsetX: round(random.range(-0.06, 0.06)),
    offsetY: round(random.range(-0.04, 0.06)),
    rotationDeg: round(random.range(-6, 6)),
    brightness: round(random.range(0.85, 1.2)),
    saturation: round(random.range(0.8, 1.25)),
    hue: random.int(-12, 12),
    blurSigma: options.blurred ? round(random.range(9, 13)) : 0,
    jpegQuality: random.int(78, 92),
    width: 720,
    height: 960,
  };
}

/** Each face photo decoded once: the scenario suite and the held set ask for the same few again and again. */
const decoded = new Map<string, Promise<{ data: Buffer; info: OutputInfo }>>();

function decode(file: string) {
  let raw = decoded.get(file);
  if (!raw) {
    raw = sharp(file).raw().toBuffer({ resolveWithObject: true });
    decoded.set(file, raw);
  }
  return raw;
}

export async function makeSelfie(params: SelfieParams): Promise<Buffer> {
  const photo = FACE_PHOTOS[params.person][params.photo];
  if (!photo) throw new Error(`no photo ${params.photo} of ${params.person}`);
  const source = await decode(photo.file);
  const meta = source.info;
  const raw = { raw: { width: meta.width, height: meta.height, channels: meta.channels } };
  const box = photo.portrait;
  const width = Math.min(meta.width, Math.round(box.width * params.zoom));
  const height = Math.min(meta.height, Math.round((width * params.height) / params.width));
  const cx = box.left + box.width / 2 + params.offsetX * box.width;
  const cy = box.top + box.height / 2 + params.offsetY * box.height;
  const left = Math.max(0, Math.min(meta.width - width, Math.round(cx - width / 2)));
  const top = Math.max(0, Math.min(meta.height - height, Math.round(cy - height / 2)));
  const framed = await sharp(source.data, raw).extract({ left, top, width, height }).rotate(params.rotationDeg, { background: "#808080" }).raw().toBuffer({ resolveWithObject: true });
  // Turning adds grey corners: cut back to the middle, which the turn left whole.
  const keep = 1 / (Math.abs(Math.cos((params.rotationDeg * Math.PI) / 180)) + Math.abs(Math.sin((params.rotationDeg * Math.PI) / 180)) * (framed.info.width / framed.info.height));
  const innerW = Math.floor(width * keep * 0.97), innerH = Math.floor(height * keep * 0.97);
  let pipeline = sharp(framed.data, { raw: { width: framed.info.width, height: framed.info.height, channels: framed.info.channels } })
    .extract({ left: Math.floor((framed.info.width - innerW) / 2), top: Math.floor((framed.info.height - innerH) / 2), width: innerW, height: innerH })
    .resize(params.width, params.height, { fit: "cover" })
    .modulate({ brightness: params.brightness, saturation: params.saturation, hue: params.hue });
  if (params.mirror) pipeline = pipeline.flop();
  if (params.blurSigma >= 0.3) pipeline = pipeline.blur(params.blurSigma);
  return pipeline.jpeg({ quality: params.jpegQuality }).toBuffer();
}
