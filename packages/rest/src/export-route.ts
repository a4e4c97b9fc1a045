import { HomevisitError, type ParsedActor } from "@homevisit/core";
import * as z from "zod";
import { type ExportTableInput, exportCsv, exportXlsx } from "./export-files.js";
import { preferredMediaType } from "./negotiate.js";
import type { RestRoute } from "./routes.js";

/**
 * An export route answers its table as a file a school opens in Excel: the same use case (its
 * purpose, its policy, its audit row), the table encoded by `exportCsv` / `exportXlsx`. Which
 * file comes from `format=csv|csv-gbk|xlsx` in the query, or else from `Accept`; JSON stays the
 * default, so existing callers see no change.
 */

/** The component an export use case answers (`forms.export`): columns and rows of text. */
export const exportTableComponent = "ExportTable";

/** The query parameter that picks the file: the adapter reads it, the use case never sees it. */
export const exportFormatParameter = "format";

/** The files an export route answers besides JSON. */
export const exportFormats = ["csv", "csv-gbk", "xlsx"] as const;
/** A file an export route answers. */
export type ExportFormat = (typeof exportFormats)[number];

/** The xlsx media type (ECMA-376). */
export const xlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const formatTypes: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8; header=present",
  "csv-gbk": "text/csv; charset=gbk; header=present",
  xlsx: xlsxMediaType,
};
const extensions: Record<ExportFormat, string> = { csv: "csv", "csv-gbk": "csv", xlsx: "xlsx" };
const offers = ["application/json", "text/csv", xlsxMediaType] as const;

/**
 * Whether a route answers an export table (its output is the `ExportTable` component), and so
 * may answer CSV and xlsx too.
 *
 * @example
 * ```ts
 * restRoutes(engine.useCases).filter(isExportRoute).map((r) => r.path); // ["/exports/visit-records"]
 * ```
 */
export function isExportRoute(route: RestRoute): boolean {
  return route.method === "GET" && z.globalRegistry.get(route.useCase.output)?.id === exportTableComponent;
}

/**
 * The file a request asks of an export route: `format` in the query wins (`csv`, `csv-gbk`,
 * `xlsx`, or `json`); otherwise `Accept` (`text/csv` → UTF-8 CSV, the xlsx type → xlsx);
 * `undefined` is JSON. An unknown `format` answers `validation_failed`.
 *
 * @example
 * ```ts
 * exportFormatOf(new Request("https://x/exports/visit-records?format=csv-gbk")); // "csv-gbk"
 * exportFormatOf(new Request("https://x/exports/visit-records", { headers: { Accept: "text/csv" } })); // "csv"
 * ```
 */
export function exportFormatOf(request: Request): ExportFormat | undefined {
  const asked = new URL(request.url).searchParams.getAll(exportFormatParameter);
  if (asked.length > 1) {
    throw new HomevisitError("rest_repeated_parameter", {
      params: { name: exportFormatParameter },
      path: ["query"],
    });
  }
  const [format] = asked;
  if (format !== undefined) {
    if (format === "json") return undefined;
    if ((exportFormats as readonly string[]).includes(format)) return format as ExportFormat;
    throw new HomevisitError("validation_failed", {
      issues: [
        {
          path: [exportFormatParameter],
          code: "invalid_value",
          message: {
            "zh-CN": "导出格式须为 json、csv、csv-gbk 或 xlsx",
            en: "The export format must be json, csv, csv-gbk or xlsx",
          },
        },
      ],
    });
  }
  const type = preferredMediaType(request.headers.get("accept"), offers);
  return type === "text/csv" ? "csv" : type === xlsxMediaType ? "xlsx" : undefined;
}

/** What names an export file: the school, the period, the format. */
export interface ExportFileName {
  /** The school's name (or its id when the name is not known). */
  school: string;
  from: string;
  to: string;
  format: ExportFormat;
}

function asciiOnly(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "") || "school";
}

/**
 * The `Content-Disposition` of an export file (RFC 6266): an ASCII `filename` for old clients
 * and `filename*` in UTF-8 (RFC 8187) with the school's name and the period, e.g.
 * `莲都实验中学-家访记录-2026-09-01至2027-01-31.xlsx`.
 *
 * @example
 * ```ts
 * exportDisposition({ school: "莲都实验中学", schoolId: "sch-1", from: "2026-09-01", to: "2027-01-31", format: "xlsx" });
 * // `attachment; filename="sch-1-visit-records-2026-09-01_2027-01-31.xlsx"; filename*=UTF-8''%E8%8E%B2…xlsx`
 * ```
 */
export function exportDisposition(name: ExportFileName & { schoolId: string }): string {
  const extension = extensions[name.format];
  const ascii = `${asciiOnly(name.schoolId)}-visit-records-${name.from}_${name.to}.${extension}`;
  const full = `${name.school}-家访记录-${name.from}至${name.to}.${extension}`;
  // encodeURIComponent leaves ' ( ) * ! which RFC 8187's attr-char does not allow.
  const encoded = encodeURIComponent(full).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The file itself: bytes, `Content-Type` and `Content-Disposition`.
 *
 * @example
 * ```ts
 * const file = exportFile(table, { format: "csv-gbk", locale: "zh-CN", school: "莲都实验中学", schoolId: "sch-1", from, to });
 * new Response(file.bytes, { headers: { "Content-Type": file.type, "Content-Disposition": file.disposition } });
 * ```
 */
export function exportFile(
  table: ExportTableInput,
  options: ExportFileName & { schoolId: string; locale: "zh-CN" | "en" },
): { bytes: Uint8Array; type: string; disposition: string } {
  const { format, locale } = options;
  const bytes =
    format === "xlsx"
      ? exportXlsx(table, { locale })
      : exportCsv(table, { locale, encoding: format === "csv-gbk" ? "gbk" : "utf-8" });
  return { bytes, type: formatTypes[format], disposition: exportDisposition(options) };
}

/**
 * The school an export names: the input's `schoolId`, else the actor's own.
 *
 * @example
 * ```ts
 * exportSchoolId({ from: "2026-09-01", to: "2027-01-31" }, principal); // principal.schoolId
 * ```
 */
export function exportSchoolId(input: Readonly<Record<string, unknown>>, actor: ParsedActor): string | undefined {
  return typeof input.schoolId === "string" ? input.schoolId : actor.schoolId;
}
