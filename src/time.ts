/** Times are kept as epoch milliseconds (store/schema.ts) and shown as ISO 8601; no time, null. */
export function iso(ms: number): string;
export function iso(ms: number | null | undefined): string | null;
export function iso(ms: number | null | undefined): string | null {
  return ms == null ? null : new Date(Number(ms)).toISOString();
}
