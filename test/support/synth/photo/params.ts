/**
 * Everything a virtual photograph depends on, as plain data: a photo is a pure function of its
 * rendered side and these parameters, which the ground truth records.
 */
import type { Random } from "../random.js";
import { SURFACES, type Surface } from "./desk.js";

export interface Glare {
  /** Centre, as fractions of the document's width and height. */
  x: number;
  y: number;
  /** Radius as a fraction of the document's width. */
  radius: number;
  /** 0..1: how far the centre is pulled to white. */
  strength: number;
}

export interface PhotoParams {
  width: number;
  height: number;
  surface: Surface;
  /** Seeds the desk's texture, the pen and the sensor noise. */
  seed: string;
  pen: boolean;
  /** The document's width over the photo's width, before tilt; at most, as the card is kept inside the frame. */
  coverage: number;
  /** Where the document's centre is, as fractions of the photo. */
  centerX: number;
  centerY: number;
  /** In-plane rotation, degrees (at most 15 either way in the random profiles). */
  rotationDeg: number;
  /** Perspective: tilt of the card around its horizontal and vertical axes, degrees. */
  tiltXDeg: number;
  tiltYDeg: number;
  /** Gaussian blur sigma in pixels of the photo; 0 for none. */
  blurSigma: number;
  /** Sensor noise, standard deviation in grey levels. */
  noiseSigma: number;
  glare: Glare | null;
  /** Exposure multiplier: below 1 is darker. */
  brightness: number;
  /** 0..0.5: how much darker the far side of the photo is than the near one. */
  unevenLight: number;
  jpegQuality: number;
  /** A sheet of paper over this part of the document (fractions of the document), or nothing. */
  cover: { x: number; y: number; width: number; height: number } | null;
}

export type PhotoProfile = "clean" | "typical" | "harsh";

const SIZES: ReadonlyArray<[number, number]> = [[1600, 1200], [1280, 960], [2000, 1500], [1200, 1600], [1440, 1080]];

const clamp = (value: number, limit: number) => Math.max(-limit, Math.min(limit, value));
const round = (value: number, places = 2) => Number(value.toFixed(places));

/**
 * A random photograph of the given profile: "clean" is a careful scan-like shot, "typical" what a
 * phone on a desk gives (up to 15° of rotation, some tilt, blur, noise, glare), "harsh" the worst
 * that should still be readable by a person.
 */
export function randomPhotoParams(random: Random, profile: PhotoProfile): PhotoParams {
  const [width, height] = random.pick(SIZES);
  const harsh = profile === "harsh";
  const clean = profile === "clean";
  return {
    width,
    height,
    surface: random.pick(SURFACES),
    seed: String(random.int(0, 2 ** 31)),
    pen: random.chance(0.4),
    coverage: round(clean ? random.range(0.75, 0.88) : random.range(harsh ? 0.5 : 0.6, 0.85)),
    centerX: round(random.range(0.45, 0.55)),
    centerY: round(random.range(0.45, 0.55)),
    rotationDeg: round(clean ? random.range(-2, 2) : clamp(random.normal(0, harsh ? 9 : 6), 15), 1),
    tiltXDeg: round(clean ? 0 : random.range(-1, 1) * (harsh ? 22 : 12), 1),
    tiltYDeg: round(clean ? 0 : random.range(-1, 1) * (harsh ? 18 : 10), 1),
    blurSigma: round(clean ? 0 : random.chance(harsh ? 0.9 : 0.5) ? random.range(0.4, harsh ? 1.8 : 1.1) : 0),
    noiseSigma: round(clean ? 1.5 : random.range(2, harsh ? 14 : 8), 1),
    glare: !clean && random.chance(harsh ? 0.6 : 0.3)
      ? { x: round(random.range(0.15, 0.85)), y: round(random.range(0.15, 0.85)), radius: round(random.range(0.06, 0.18)), strength: round(random.range(0.3, harsh ? 0.85 : 0.6)) }
      : null,
    brightness: round(clean ? 1 : random.range(harsh ? 0.6 : 0.8, 1.15)),
    unevenLight: round(clean ? 0.05 : random.range(0, harsh ? 0.45 : 0.3)),
    jpegQuality: clean ? 92 : random.int(harsh ? 45 : 68, 92),
    cover: null,
  };
}
