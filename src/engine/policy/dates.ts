/** The UTC calendar date of `now`, as YYYY-MM-DD (dates on documents carry no time zone). */
export const today = (now: Date) => now.toISOString().slice(0, 10);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whole years from `dateOfBirth` (YYYY-MM-DD) to `now`; null when the date is not one. Someone born on 29 February comes of age on 1 March. */
export function ageOn(dateOfBirth: string, now: Date): number | null {
  const match = ISO_DATE.exec(dateOfBirth);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const born = new Date(Date.UTC(year, month - 1, day));
  if (born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day) return null;
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
  return y - year - (m < month || (m === month && d < day) ? 1 : 0);
}
