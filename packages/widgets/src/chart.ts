import { svg, type TemplateResult } from "lit";

/** One bar of a {@link barChart}: a rate 0..1, or `null` for a suppressed group. */
export interface Bar {
  label: string;
  rate: number | null;
}

/**
 * A horizontal bar chart of rates, as hand-written SVG: crisp in print, no chart library,
 * nothing to load. Suppressed groups (`rate: null`) are drawn as an outlined, hatched bar with
 * no figure, exactly as the server hides them. The numbers are also in the widget's table: the
 * chart itself is `aria-hidden`.
 *
 * @example
 * ```ts
 * html`${barChart([{ label: "七年级1班", rate: 0.8 }, { label: "七年级2班", rate: null }], { suppressed: "<5" })}`;
 * ```
 */
export function barChart(bars: readonly Bar[], text: { suppressed: string }): TemplateResult {
  const row = 28;
  const labelWidth = 120;
  const width = 360;
  const barWidth = width - labelWidth - 48;
  const height = Math.max(row, bars.length * row) + 8;
  return svg`<svg viewBox="0 0 ${width} ${height}" width="100%" role="presentation" aria-hidden="true" part="chart">
    <defs>
      <pattern id="hv-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" stroke-width="2" opacity="0.35"></line>
      </pattern>
    </defs>
    ${bars.map((b, i) => {
      const y = 4 + i * row;
      const w = b.rate === null ? barWidth : Math.max(1, b.rate * barWidth);
      return svg`<g>
        <text x="${labelWidth - 6}" y="${y + 18}" text-anchor="end" font-size="12" fill="currentColor">${b.label.slice(0, 12)}</text>
        <rect x="${labelWidth}" y="${y + 4}" width="${w}" height="${row - 10}" rx="3"
          fill="${b.rate === null ? "url(#hv-hatch)" : "var(--hv-chart-bar, #1456c4)"}"
          stroke="${b.rate === null ? "currentColor" : "none"}" stroke-opacity="0.4"></rect>
        <text x="${labelWidth + (b.rate === null ? barWidth : w) + 4}" y="${y + 18}" font-size="12" fill="currentColor">${
          b.rate === null ? text.suppressed : `${Math.round(b.rate * 100)}%`
        }</text>
      </g>`;
    })}
  </svg>`;
}
