import sharp from "sharp";
import type { Human } from "@vladmandic/human";
import type { FaceFound, FaceReading } from "../types.js";
import { faceChecks, undecodableChecks } from "./checks.js";
import { type FaceModelInfo, loadHuman } from "./human.js";

export type { FaceModelInfo } from "./human.js";

/** The face model of one thread: loaded once, then asked about one image at a time. */
export interface FaceModel {
  info: FaceModelInfo;
  /** Bytes the backend holds in tensors (the models' weights, mostly): steady once loaded. */
  tensorBytes(): number;
  read(image: Buffer): Promise<FaceReading>;
  close(): Promise<void>;
}

/** Larger images are shrunk to this many pixels on their longer side: the detector works on 256, the descriptor on a crop. */
const MAX_SIDE = 1280;

const RADIANS_TO_DEGREES = 180 / Math.PI;

let loads = 0;
/** How many times this thread loaded the face model: an engine worker loads it once for its whole life. */
export const faceModelLoads = () => loads;

/** Loads human with its face models (about a second on a quiet machine, then 150-300 MB resident): call once per worker thread and keep it. */
export async function createFaceModel(): Promise<FaceModel> {
  const { human, info } = await loadHuman();
  loads++;
  // One image at a time: the wasm backend is single-threaded, and interleaved detections would only hold more tensors at once.
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  return {
    info,
    tensorBytes: () => human.tf.memory().numBytes,
    read(image) {
      if (closed) return Promise.reject(new Error("the face model is closed"));
      const reading = queue.then(() => readFaces(human, image));
      queue = reading.catch(() => undefined);
      return reading;
    },
    async close() {
      closed = true;
      await queue;
      human.tf.disposeVariables();
      human.tf.engine().reset();
    },
  };
}

async function readFaces(human: Human, image: Buffer): Promise<FaceReading> {
  let decoded: Awaited<ReturnType<typeof decode>>;
  try {
    decoded = await decode(image);
  } catch (error) {
    return { faces: [], checks: undecodableChecks(error instanceof Error ? error.message : String(error)) };
  }
  const { data, info, original } = decoded;
  const tensor = human.tf.tensor(data, [1, info.height, info.width, 3], "int32");
  let result;
  try {
    result = await human.detect(tensor as Parameters<Human["detect"]>[0]);
  } finally {
    human.tf.dispose(tensor);
  }
  if (result.error) throw new Error(`face detection failed: ${result.error}`);
  const scale = original.width / info.width;
  const faces: FaceFound[] = result.face
    .filter((face) => face.embedding && face.embedding.length > 0)
    .map((face) => ({
      box: { x: Math.round(face.box[0] * scale), y: Math.round(face.box[1] * scale), width: Math.round(face.box[2] * scale), height: Math.round(face.box[3] * scale) },
      score: face.score,
      pose: {
        yaw: degrees(face.rotation?.angle.yaw),
        pitch: degrees(face.rotation?.angle.pitch),
        roll: degrees(face.rotation?.angle.roll),
      },
      embedding: Array.from(face.embedding ?? []),
      antispoof: face.real ?? null,
      live: face.live ?? null,
    }))
    .sort((a, b) => b.box.width - a.box.width);
  return { faces, checks: faceChecks(faces, original) };
}

const degrees = (radians: number | undefined) => Math.round((radians ?? 0) * RADIANS_TO_DEGREES * 10) / 10;

/** RGB pixels, upright (EXIF orientation applied) and at most MAX_SIDE, with the upright size before shrinking. */
async function decode(image: Buffer) {
  const upright = sharp(image, { failOn: "error" }).rotate();
  const { width, height } = await upright.clone().metadata().then((meta) => (meta.autoOrient ?? meta));
  const { data, info } = await upright
    .resize(MAX_SIDE, MAX_SIDE, { fit: "inside", withoutEnlargement: true })
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 colour channels, got ${info.channels}`);
  return { data, info, original: { width: width ?? info.width, height: height ?? info.height } };
}
