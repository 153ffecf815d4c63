import sharp from "sharp";
import type { Config, Human } from "@vladmandic/human";
import { type DecodedImage, UndecodableImage, decodeUpload } from "../image/decode.js";
import type { FaceFound, FaceReading } from "../types.js";
import { faceChecks, undecodableChecks } from "./checks.js";
import { type FaceModelInfo, loadHuman } from "./human.js";

export type { FaceModelInfo } from "./human.js";

/** The face model of one thread: loaded once, then asked about one image at a time. */
export interface FaceModel {
  info: FaceModelInfo;
  /** Bytes the backend holds in tensors (the models' weights, mostly): steady once loaded. */
  tensorBytes(): number;
  /** The faces in an upload; `printed` when it is a document's portrait (see `SIGNALS`). */
  read(image: Buffer, options?: { printed?: boolean }): Promise<FaceReading>;
  close(): Promise<void>;
}

/**
 * Larger images are shrunk to this many pixels on their longer side: the detector works on 256 and
 * the descriptor on a 224 crop, but human turns the whole image upright around each face, at a cost
 * that grows with its size. On the synthetic scenarios 1024 costs 55-70% of 1280's CPU, and each
 * descriptor stays within cosine 0.97-0.997 of 1280's (similarities within ±0.005); at 640 faces
 * that were small on the page begin to drift (0.96).
 */
const MAX_SIDE = 1024;

/**
 * The antispoof and liveness models, asked per image: a document's portrait is a print by
 * definition, so on it they would only cost time (about a tenth of a face read).
 */
const SIGNALS = (printed: boolean): Partial<Config> => ({ face: { antispoof: { enabled: !printed }, liveness: { enabled: !printed } } } as Partial<Config>);

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
    read(image, { printed = false } = {}) {
      if (closed) return Promise.reject(new Error("the face model is closed"));
      // Decoded before the queue: the decoding runs in libuv's threads while another image is read here.
      const decoding = decode(image);
      decoding.catch(() => undefined);
      const reading = queue.then(() => readFaces(human, decoding, printed));
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

async function readFaces(human: Human, decoding: ReturnType<typeof decode>, printed: boolean): Promise<FaceReading> {
  let decoded: Awaited<typeof decoding>;
  try {
    decoded = await decoding;
  } catch (error) {
    if (!(error instanceof UndecodableImage)) throw error;
    return { faces: [], checks: undecodableChecks(error.message) };
  }
  const { data, info, original } = decoded;
  const tensor = human.tf.tensor(data, [1, info.height, info.width, 3], "int32");
  let result;
  try {
    result = await human.detect(tensor as Parameters<Human["detect"]>[0], SIGNALS(printed));
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

/**
 * RGB pixels, upright and at most MAX_SIDE, with the upright size of the upload. The upload is
 * decoded once for every stage of a verification (decodeUpload), HEIC included, then shrunk here.
 */
async function decode(image: Buffer): Promise<{ data: Buffer; info: { width: number; height: number }; original: { width: number; height: number } }> {
  const upload = await decodeUpload(image);
  const original = { width: upload.original.width, height: upload.original.height };
  if (Math.max(upload.width, upload.height) <= MAX_SIDE) return { data: upload.data, info: upload, original };
  const { data, info } = await shrink(upload);
  return { data, info, original };
}

const shrink = (upload: DecodedImage) =>
  sharp(upload.data, { raw: { width: upload.width, height: upload.height, channels: 3 } })
    .resize(MAX_SIDE, MAX_SIDE, { fit: "inside" })
    .raw()
    .toBuffer({ resolveWithObject: true });
