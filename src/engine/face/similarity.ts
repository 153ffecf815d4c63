/**
 * How alike two face descriptors are, from 0 (unlike) to 1 (identical): human's own `similarity`
 * (Euclidean distance × 25, inverted and stretched from 0.2..0.8 to 0..1) without its rounding to
 * two decimals, so that thresholds measured with human's scores carry over and near-ties stay
 * apart. Pure: the policy calls it on the main thread, where no model is loaded.
 */
export function similarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`face descriptors differ in length (${a.length} and ${b.length})`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = a[i]! - b[i]!;
    sum += diff * diff;
  }
  if (sum === 0) return 1;
  const distance = Math.sqrt(25 * sum) / 100;
  const stretched = (1 - distance - MIN) / (MAX - MIN);
  return Math.max(0, Math.min(1, stretched));
}

const MIN = 0.2;
const MAX = 0.8;
