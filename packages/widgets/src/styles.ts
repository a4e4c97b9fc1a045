import { css } from "lit";

/**
 * The styles every widget shares, inside its shadow root (no global CSS). A host themes them
 * through CSS custom properties — `--hv-color-primary`, `--hv-color-danger`, `--hv-color-text`,
 * `--hv-color-muted`, `--hv-color-surface`, `--hv-color-border`, `--hv-radius`, `--hv-font` —
 * and the `part`s each widget names (`part="button"`, `part="card"` …).
 */
export const baseStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    font-family: var(--hv-font, system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif);
    font-size: var(--hv-font-size, 16px);
    line-height: 1.5;
    color: var(--hv-color-text, #1f2329);
    --_primary: var(--hv-color-primary, #1456c4);
    --_danger: var(--hv-color-danger, #b42318);
    --_warn: var(--hv-color-warning, #8a4b00);
    --_ok: var(--hv-color-success, #146c2e);
    --_muted: var(--hv-color-muted, #4e5969);
    --_surface: var(--hv-color-surface, #fff);
    --_border: var(--hv-color-border, #c9cdd4);
    --_radius: var(--hv-radius, 8px);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h2,
  h3 {
    margin: 0.75em 0 0.5em;
    line-height: 1.3;
  }
  h2 {
    font-size: 1.25em;
  }
  h3 {
    font-size: 1.05em;
  }
  .card {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 12px;
    margin: 8px 0;
  }
  fieldset {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    margin: 12px 0;
    padding: 8px 12px 12px;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 4px;
  }
  label.field {
    display: block;
    margin: 8px 0;
  }
  label.field > span {
    display: block;
    font-weight: 500;
    margin-bottom: 4px;
  }
  label.check {
    display: flex;
    align-items: center;
    gap: 8px;
    min-height: 44px;
    cursor: pointer;
  }
  input[type="checkbox"],
  input[type="radio"] {
    width: 22px;
    height: 22px;
    flex: none;
    accent-color: var(--_primary);
  }
  input:not([type="checkbox"]):not([type="radio"]):not([type="file"]),
  select,
  textarea {
    width: 100%;
    min-height: 44px;
    padding: 8px 10px;
    font: inherit;
    color: inherit;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
  }
  textarea {
    min-height: 88px;
    resize: vertical;
  }
  :focus-visible {
    outline: 3px solid var(--_primary);
    outline-offset: 2px;
  }
  button,
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-height: 44px;
    min-width: 44px;
    padding: 8px 16px;
    font: inherit;
    font-weight: 600;
    border-radius: var(--_radius);
    border: 1px solid var(--_primary);
    background: var(--_primary);
    color: #fff;
    cursor: pointer;
    text-decoration: none;
  }
  button.secondary,
  .button.secondary {
    background: var(--_surface);
    color: var(--_primary);
  }
  button.danger {
    background: var(--_danger);
    border-color: var(--_danger);
  }
  button[disabled] {
    opacity: 0.6;
    cursor: progress;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin: 12px 0;
  }
  .muted {
    color: var(--_muted);
  }
  .error {
    color: var(--_danger);
  }
  .warn {
    color: var(--_warn);
  }
  .banner {
    border-radius: var(--_radius);
    padding: 8px 12px;
    margin: 8px 0;
    border: 1px solid var(--_border);
  }
  .banner.warn {
    border-color: var(--_warn);
    color: var(--_warn);
    background: #fff8e6;
  }
  .banner.ok {
    border-color: var(--_ok);
    color: var(--_ok);
    background: #eefaf1;
  }
  .banner.error {
    border-color: var(--_danger);
    background: #fff1f0;
  }
  ul.plain {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .grid {
    display: grid;
    gap: 0 12px;
    grid-template-columns: repeat(auto-fit, minmax(220px, 1fr));
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: start;
    padding: 6px 8px;
    border-bottom: 1px solid var(--_border);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  @media print {
    button,
    .actions,
    .no-print {
      display: none !important;
    }
    .card {
      break-inside: avoid;
    }
  }
`;
