/**
 * What one camera frame looks like, measured on a small grey copy of the part inside the guide, and
 * the hint it earns. No DOM here: the same functions run on a canvas's pixels in the browser and on
 * decoded photos in the tests.
 */
export interface FrameReading {
  /** Mean grey level, 0-255. */
  brightness: number;
  /** Variance of the Laplacian. */
  sharpness: number;
  /** Share of blown-out pixels. */
  glare: number;
  /** Mean change from the previous frame (infinite for the first). */
  motion: number;
  /**
   * How much of the guide the document spans, 0-1: the larger of the widths and heights between
   * the first and the last row or column with edges in them. A document's border and its print are
   * edges; the desk around a document held too far is not.
   */
  fill: number;
}

export type FrameHint = "dark" | "small" | "glare" | "blur" | "steady" | "wait";

export const FRAME_LIMITS = { dark: 45, blur: 18, glare: 0.03, motion: 6, fill: 0.65 };
/** A row or column has edges when its mean |Laplacian| passes this share of the busiest one's (and a floor above sensor noise). */
const EDGE_SHARE = 0.2;
const EDGE_FLOOR = 3;

/**
 * The span, as a share of the length, between the first and the last entry with edges; 1 when
 * there are no edges at all (a frame out of focus: that is for the blur hint to say).
 */
function span(activity: Float32Array): number {
  let busiest = 0;
  for (const value of activity) busiest = Math.max(busiest, value);
  if (busiest < EDGE_FLOOR) return 1;
  const threshold = Math.max(EDGE_FLOOR, busiest * EDGE_SHARE);
  let first = -1;
  let last = -1;
  activity.forEach((value, i) => {
    if (value < threshold) return;
    if (first < 0) first = i;
    last = i;
  });
  return (last - first + 1) / activity.length;
}

/** Reads RGBA pixels (a canvas's ImageData); `previous` is the grey copy the last call returned. */
export function readFrame(pixels: Uint8ClampedArray | Uint8Array, width: number, height: number, previous: Float32Array | null): { reading: FrameReading; grey: Float32Array } {
  const grey = new Float32Array(width * height);
  let sum = 0;
  let blown = 0;
  for (let i = 0; i < grey.length; i++) {
    const value = 0.299 * pixels[i * 4]! + 0.587 * pixels[i * 4 + 1]! + 0.114 * pixels[i * 4 + 2]!;
    grey[i] = value;
    sum += value;
    if (value > 250) blown++;
  }
  const columns = new Float32Array(width);
  const rows = new Float32Array(height);
  let lapSum = 0;
  let lapSquares = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      lapSum += lap;
      lapSquares += lap * lap;
      count++;
      columns[x]! += Math.abs(lap) / (height - 2);
      rows[y]! += Math.abs(lap) / (width - 2);
    }
  }
  let motion = Number.POSITIVE_INFINITY;
  if (previous && previous.length === grey.length) {
    motion = 0;
    for (let i = 0; i < grey.length; i++) motion += Math.abs(grey[i]! - previous[i]!);
    motion /= grey.length;
  }
  const mean = lapSum / Math.max(1, count);
  const fill = Math.max(span(columns), span(rows));
  return { reading: { brightness: sum / grey.length, sharpness: lapSquares / Math.max(1, count) - mean * mean, glare: blown / grey.length, motion, fill }, grey };
}

/**
 * The hint to show for a reading, or "steady" when the frame is good enough to keep. A document too
 * far away is said before glare and blur: most of such a frame is plain desk, which reads as blurred.
 */
export function hintFor(reading: FrameReading, document: boolean): FrameHint {
  if (reading.brightness < FRAME_LIMITS.dark) return "dark";
  if (document && reading.fill < FRAME_LIMITS.fill) return "small";
  if (document && reading.glare > FRAME_LIMITS.glare) return "glare";
  if (reading.sharpness < FRAME_LIMITS.blur) return "blur";
  return reading.motion <= FRAME_LIMITS.motion ? "steady" : "wait";
}
