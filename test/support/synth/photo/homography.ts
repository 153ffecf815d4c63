/**
 * The projective geometry of a photographed card: where its corners land for a given rotation,
 * tilt and distance (a pinhole camera), and the 3 × 3 homography that maps the card's pixels there.
 */

export type Point = [number, number];
/** Row-major 3 × 3, h[8] = 1. */
export type Homography = number[];

/** Solves the 8 × 8 system of the four point pairs (Gaussian elimination with partial pivoting). */
export function homographyFromPoints(from: readonly Point[], to: readonly Point[]): Homography {
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i] as Point;
    const [u, v] = to[i] as Point;
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs((rows[r] as number[])[col] as number) > Math.abs((rows[pivot] as number[])[col] as number)) pivot = r;
    [rows[col], rows[pivot]] = [rows[pivot] as number[], rows[col] as number[]];
    const top = rows[col] as number[];
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const row = rows[r] as number[];
      const factor = (row[col] as number) / (top[col] as number);
      for (let k = col; k < 9; k++) row[k] = (row[k] as number) - factor * (top[k] as number);
    }
  }
  const h = rows.map((row, r) => (row[8] as number) / (row[r] as number));
  return [...h, 1];
}

export function applyHomography(h: Homography, [x, y]: Point): Point {
  const w = (h[6] as number) * x + (h[7] as number) * y + 1;
  return [((h[0] as number) * x + (h[1] as number) * y + (h[2] as number)) / w, ((h[3] as number) * x + (h[4] as number) * y + (h[5] as number)) / w];
}

export function invertHomography(m: Homography): Homography {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const inv = [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d].map((v) => v / det);
  const scale = inv[8] as number;
  return inv.map((v) => v / scale);
}

export interface Pose {
  /** Card width on the image, in pixels, before tilt. */
  widthPx: number;
  center: Point;
  rotationDeg: number;
  /** Tilt of the card away from the camera, around its horizontal and vertical axes. */
  tiltXDeg: number;
  tiltYDeg: number;
  /** Focal length in pixels: smaller means a closer camera and stronger perspective. */
  focalPx: number;
}

/** Where a card of `aspect` (height / width) lands: its corners TL, TR, BR, BL. */
export function projectCard(aspect: number, pose: Pose): Point[] {
  const w = pose.widthPx / 2;
  const h = (pose.widthPx * aspect) / 2;
  const rz = (pose.rotationDeg * Math.PI) / 180;
  const rx = (pose.tiltXDeg * Math.PI) / 180;
  const ry = (pose.tiltYDeg * Math.PI) / 180;
  const corners: Array<[number, number, number]> = [[-w, -h, 0], [w, -h, 0], [w, h, 0], [-w, h, 0]];
  return corners.map(([x0, y0, z0]) => {
    // Tilt around x, then y, then turn in the image plane.
    const y1 = y0 * Math.cos(rx) - z0 * Math.sin(rx);
    const z1 = y0 * Math.sin(rx) + z0 * Math.cos(rx);
    const x2 = x0 * Math.cos(ry) + z1 * Math.sin(ry);
    const z2 = -x0 * Math.sin(ry) + z1 * Math.cos(ry);
    const x3 = x2 * Math.cos(rz) - y1 * Math.sin(rz);
    const y3 = x2 * Math.sin(rz) + y1 * Math.cos(rz);
    const depth = pose.focalPx + z2;
    return [pose.center[0] + (pose.focalPx * x3) / depth, pose.center[1] + (pose.focalPx * y3) / depth];
  });
}
