/** Calendar dates as ISO `YYYY-MM-DD` strings, computed in UTC so that no time zone shifts a day. */

export type IsoDate = string;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;

function parts(date: IsoDate): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`not an ISO date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

const toIso = (time: number): IsoDate => new Date(time).toISOString().slice(0, 10);

export function addDays(date: IsoDate, days: number): IsoDate {
  const [y, m, d] = parts(date);
  return toIso(Date.UTC(y, m - 1, d + days));
}

/** Same day and month, `years` later (29 February falls on 1 March in other years, as Date does). */
export function addYears(date: IsoDate, years: number): IsoDate {
  const [y, m, d] = parts(date);
  return toIso(Date.UTC(y + years, m - 1, d));
}

/** Whole years completed between `birth` and `on`. */
export function ageOn(birth: IsoDate, on: IsoDate): number {
  const [by, bm, bd] = parts(birth);
  const [y, m, d] = parts(on);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** `YYMMDD`, as the MRZ writes dates. */
export const mrzDate = (date: IsoDate): string => date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);

/** `12 AUG 1974`, the ICAO style of the printed (visual) zone. */
export function printedDate(date: IsoDate): string {
  const [y, m, d] = parts(date);
  return `${String(d).padStart(2, "0")} ${MONTHS[m - 1]} ${y}`;
}

/** `MM/DD/YYYY`, as US driving licences print dates. */
export function usDate(date: IsoDate): string {
  const [y, m, d] = parts(date);
  return `${String(m).padStart(2, "0")}/${String(d).padStart(2, "0")}/${y}`;
}

/** `MMDDCCYY`, as AAMVA barcodes carry dates for US issuers. */
export const aamvaDate = (date: IsoDate): string => usDate(date).replaceAll("/", "");

/** Today in UTC, for callers that want documents valid relative to the day they run. */
export const todayUtc = (): IsoDate => new Date().toISOString().slice(0, 10);
