import { strToU8, zipSync } from "fflate";
import iconv from "iconv-lite";

/**
 * Files a school opens in Excel from an export table (`forms.export`): CSV in UTF-8 with a BOM
 * (Excel 2016 and later read it as UTF-8), CSV in GBK for older Excel on Chinese Windows, and
 * xlsx written directly as SpreadsheetML (a zip of five XML parts, fflate for the zip), so no
 * spreadsheet library is needed (SheetJS' `xlsx` on npm is frozen with known CVEs).
 */

/** What the encoders read: the `forms.export` answer. */
export interface ExportTableInput {
  columns: readonly { key: string; label: { "zh-CN": string; en: string } }[];
  rows: readonly (readonly string[])[];
}

/** Options of {@link exportCsv} and {@link exportXlsx}. */
export interface ExportFileOptions {
  /** Which header labels: default `zh-CN`. */
  locale?: "zh-CN" | "en";
}

/**
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) is prefixed
 * with `'`: a value a teacher typed must never become a formula on the principal's machine.
 */
function neutral(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvField(text: string): string {
  const safe = neutral(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function header(table: ExportTableInput, options: ExportFileOptions): string[] {
  const locale = options.locale ?? "zh-CN";
  return table.columns.map((c) => c.label[locale]);
}

/**
 * The table as CSV bytes: `utf-8` (default) starts with a BOM; `gbk` (GB18030's two-byte
 * subset, what older Excel on Chinese Windows expects) replaces characters GBK lacks with `?`.
 * Lines end with CRLF (RFC 4180).
 *
 * @example
 * ```ts
 * const { text } = await engine.callJson("forms.export", principal, { from, to }, { purpose: "学期总结" });
 * const bytes = exportCsv(JSON.parse(text), { encoding: "gbk" });
 * ```
 */
export function exportCsv(
  table: ExportTableInput,
  options: ExportFileOptions & { encoding?: "utf-8" | "gbk" } = {},
): Uint8Array {
  const lines = [header(table, options), ...table.rows].map((row) => row.map(csvField).join(","));
  const text = `${lines.join("\r\n")}\r\n`;
  if (options.encoding === "gbk") return new Uint8Array(iconv.encode(text, "gbk"));
  return new Uint8Array(iconv.encode(text, "utf-8", { addBOM: true }));
}

function xml(text: string): string {
  // XML 1.0 forbids most control characters; the export's cells never need them.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/**
 * The table as an xlsx workbook (one sheet, header row bold-free, every cell an inline
 * string so ids and phone numbers keep their leading zeros).
 *
 * @example
 * ```ts
 * writeFileSync("家访记录.xlsx", exportXlsx(table));
 * ```
 */
export function exportXlsx(
  table: ExportTableInput,
  options: ExportFileOptions & { sheetName?: string } = {},
): Uint8Array {
  const rows = [header(table, options), ...table.rows];
  const sheetRows = rows
    .map((row, r) => {
      const cells = row
        .map(
          (value, c) =>
            `<c r="${columnName(c)}${r + 1}" t="inlineStr"><is><t xml:space="preserve">${xml(value)}</t></is></c>`,
        )
        .join("");
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join("");
  const sheetName = xml((options.sheetName ?? "家访记录").slice(0, 31));
  const files: Record<string, Uint8Array> = {
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        "</Types>",
    ),
    "_rels/.rels": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
        "</Relationships>",
    ),
    "xl/workbook.xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
        `<sheets><sheet name="${sheetName}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    "xl/_rels/workbook.xml.rels": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
        "</Relationships>",
    ),
    "xl/worksheets/sheet1.xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
    ),
  };
  return zipSync(files, { level: 6 });
}
