import { type Html, html } from "../http/html.js";
import type { DayCounts } from "../overview.js";

export interface Series {
  key: string;
  label: string;
  colour: string;
}

const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 36;
const BOTTOM = 40;
const TOP = 28;

/** A round upper bound for the axis: 1, 2, 5, 10, 20, 50, … */
function niceMax(value: number): number {
  if (value <= 1) return 1;
  const base = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * base).find((m) => m >= value)!;
}

/**
 * A stacked bar chart per day as server-rendered SVG (no script, no library): colours as SVG
 * attributes (the CSP allows no inline style), a title and a description for screen readers, and
 * the same numbers in a table beside it as the text equivalent.
 */
export function stackedBars(id: string, title: string, summary: string, days: DayCounts[], series: Series[]): Html {
  const totals = days.map((d) => series.reduce((sum, s) => sum + (d.counts[s.key] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const step = (WIDTH - LEFT - 8) / days.length;
  const barWidth = Math.max(4, step * 0.7);
  const y = (value: number) => TOP + plotHeight - (value / max) * plotHeight;
  const bars = days.map((d, i) => {
    let base = 0;
    const x = LEFT + i * step + (step - barWidth) / 2;
    return series.map((s) => {
      const value = d.counts[s.key] ?? 0;
      if (value === 0) return "";
      const top = y(base + value);
      const rect = html`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - top).toFixed(1)}" fill="${s.colour}"><title>${d.day}: ${value} ${s.label}</title></rect>`;
      base += value;
      return rect;
    });
  });
  const labels = days.map((d, i) =>
    i % Math.ceil(days.length / 7) === 0 ? html`<text x="${(LEFT + i * step + step / 2).toFixed(1)}" y="${HEIGHT - BOTTOM + 14}" text-anchor="middle" font-size="11" fill="#5b6575">${d.day.slice(5)}</text>` : "",
  );
  const legend = series.map((s, i) => html`<rect x="${LEFT + i * 120}" y="6" width="10" height="10" fill="${s.colour}"/><text x="${LEFT + i * 120 + 14}" y="15" font-size="11" fill="#1d2430">${s.label}</text>`);
  return html`<figure class="chart">
  <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" data-testid="${id}">
    <title id="${id}-title">${title}</title><desc id="${id}-desc">${summary}</desc>
    ${legend}
    <line x1="${LEFT}" y1="${y(0)}" x2="${WIDTH - 4}" y2="${y(0)}" stroke="#9aa4b2"/>
    <line x1="${LEFT}" y1="${y(max)}" x2="${WIDTH - 4}" y2="${y(max)}" stroke="#d8dde5"/>
    <text x="${LEFT - 4}" y="${y(max) + 4}" text-anchor="end" font-size="11" fill="#5b6575">${max}</text>
    <text x="${LEFT - 4}" y="${y(0) + 4}" text-anchor="end" font-size="11" fill="#5b6575">0</text>
    ${bars}${labels}
  </svg>
  <details><summary>${title}: the numbers</summary>
  <table><thead><tr><th scope="col">Day</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
  <tbody>${days.map((d) => html`<tr><th scope="row">${d.day}</th>${series.map((s) => html`<td>${d.counts[s.key] ?? 0}</td>`)}</tr>`)}</tbody></table></details>
</figure>`;
}
