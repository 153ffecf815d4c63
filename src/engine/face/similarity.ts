/**
 * How alike two face descriptors are, from 0 (unlike) to 1 (the same direction): their cosine,
 * clamped at 0. Chosen over human's own `similarity` (a stretched Euclidean distance), which the
 * descriptor's length sways: on the official portraits, a partly covered Obama scored 0.73 against
 * Biden with human's measure and 0.27 with the cosine (bench/engine-face.ts compares the two on
 * every pair). Pure: the policy calls it on the main thread, where no model is loaded.
 */
export function similarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`face descriptors differ in length (${a.length} and ${b.length})`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  if (normA === 0 || normB === 0) return 0;
  return Math.max(0, Math.min(1, dot / Math.sqrt(normA * normB)));
}
