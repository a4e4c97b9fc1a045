import {
  canonicalJson,
  checkPhoto,
  dayType,
  defineFormTemplate,
  type ErrorCode,
  errorCatalog,
  holidayCalendarSchema,
  isHomevisitError,
  parseInput,
  solarTermDate,
  type solarTermIdSchema,
  springFestival,
} from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/**
 * RELIABILITY.md promise 7: "no stack traces or personal data in error bodies or logs", taken
 * as issue 14 states it: an error message never repeats an input value, even a harmless one.
 * Two checks fix the class rather than the cases:
 * - the catalog walk: every `{placeholder}` of every message is classified below as a value the
 *   library itself supplies (a limit, a state, an entity name, a code); a new placeholder fails
 *   this test until someone decides it is not an input;
 * - the fuzz: entry points that refuse input are fed generated marker values, and no message in
 *   either locale, no issue message and no param holds the marker.
 */

/** Every placeholder the catalog may use, and why its value never comes from a caller's input. */
const placeholders: Record<string, string> = {
  action: "an action of the policy matrix (code)",
  age: "a computed age bound of the consent rules",
  attempts: "a retry count of the engine",
  channel: "a notifier channel name configured by the host",
  cycle: "field keys of the school's own template, in order (validated keys)",
  entity: "an entity name of the storage port",
  event: "an event topic of the engine",
  field: "a validated field key of the template or an entity's field name",
  format: "a container name the library detected (HEIF, AVIF)",
  found: "the schema version stored in the database",
  from: "a workflow state",
  grade: "a grade of the organisation schema",
  header: "an HTTP header name the adapter checks",
  id: "a plugin id or other developer-written id (code, not a request)",
  key: "a validated field key or one of the library's reserved keys",
  kind: "a kind of value named by the library (`not_json_data`)",
  limit: "a configured limit",
  max: "a configured or computed bound",
  min: "a configured or computed bound",
  name: "a use-case name written by a developer",
  order: "a computed ordering key",
  parent: "an entity name",
  pixels: "the pixel count computed from a photo's header",
  problem: "a problem code of the audit chain",
  reason: "a construct and index from the pattern checker, never the pattern",
  rule: "a rule id of the library",
  section: "a report section id (code)",
  size: "the byte count of an upload",
  status: "a workflow status",
  supported: "the schema version this library supports",
  task: "a task name of the engine",
  teacherId: "the acting teacher's id from the host (not request input)",
  teachers: "a count",
  templateId: "a template id already resolved in the caller's scope",
  to: "a workflow state",
  trigger: "a trigger name of the obligation rules",
  type: "a field type of the template schema",
  version: "a template version number",
  what: "a description written by the library",
  why: "a reason code written by the library",
  detected: "the image type the library detected",
  labelZh: "a field's zh-CN label from the school's published template (configuration, not the record)",
  labelEn: "a field's en label from the school's published template (configuration, not the record)",
  zh: "a field's own pattern message, written by the school in its template (configuration)",
  en: "a field's own pattern message, written by the school in its template (configuration)",
  formId: "the id of a form draft already stored in the caller's scope",
  keys: "validated field keys of the school's own template",
  start: "the start of another appointment already stored (the clash), not the request's own time",
  hours: "the allowed visiting hours of the planning rules (configuration)",
};

describe("the error catalog repeats no input", () => {
  it("every placeholder in every message is one the library supplies itself", () => {
    const used = new Map<string, ErrorCode[]>();
    for (const [code, definition] of Object.entries(errorCatalog) as [
      ErrorCode,
      { message: Record<string, string> },
    ][]) {
      for (const text of Object.values(definition.message)) {
        for (const [, name] of text.matchAll(/\{(\w+)\}/g))
          used.set(name as string, [...(used.get(name as string) ?? []), code]);
      }
    }
    const unclassified = [...used.keys()].filter((name) => !(name in placeholders));
    expect(unclassified).toEqual([]);
  });

  it("names no caller-supplied value in the messages issue 14 found (year, date, term, option value, query name)", () => {
    const codes: ErrorCode[] = [
      "calendar_year_unsupported",
      "calendar_unknown_solar_term",
      "calendar_invalid_date",
      "calendar_year_key_invalid",
      "calendar_holiday_outside_year",
      "calendar_makeup_outside_year",
      "calendar_makeup_in_holiday",
      "custom_field_duplicate_option",
      "custom_field_invalid_key",
      "rules_duplicate_id",
      "rules_campaign_date_invalid",
      "rules_window_inverted",
      "roster_duplicate_id",
      "organisation_duplicate_id",
      "rest_unknown_parameter",
      "rest_repeated_parameter",
      "rest_method_not_allowed",
      "photo_type_mismatch",
    ];
    for (const code of codes) {
      const { message } = errorCatalog[code] as { message: Record<string, string> };
      for (const text of Object.values(message))
        expect([code, text]).not.toEqual([
          code,
          expect.stringMatching(/\{(year|date|term|value|id|name|method|declared|key)\}/),
        ]);
    }
  });
});

/**
 * Every message an error carries, in both locales, its issues' messages and its params. Paths
 * are left out: a path locates the problem (a record key such as a holiday year is part of it)
 * and is what lets a message say where without saying what.
 */
function exposed(error: unknown): string {
  if (!isHomevisitError(error)) throw error;
  return [
    error.messageIn("zh-CN"),
    error.messageIn("en"),
    ...error.issues.flatMap((issue) => [issue.message["zh-CN"], issue.message.en]),
    JSON.stringify(error.params),
  ].join("\n");
}

function thrown(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return exposed(error);
  }
}

// Markers: things that would identify a family if a message ever repeated them.
const markerText = fc.constantFrom("13812345678", "幸福路88号", "张小明", "330102201001011234");
// Six digits, so that no bound in a message (1901–2099) can contain one by chance.
const markerYear = fc.oneof(fc.integer({ min: 100_000, max: 987_654 }), fc.integer({ min: -987_654, max: -100_000 }));

describe("refused input is never repeated (generated markers)", () => {
  it("calendar: years out of range, unknown solar terms, invalid dates", () => {
    fc.assert(
      fc.property(markerYear, markerText, (year, text) => {
        const a = thrown(() => springFestival(year));
        expect(a).toBeDefined();
        expect(a).not.toContain(String(year));
        const b = thrown(() => solarTermDate(2026, text as unknown as ReturnType<typeof solarTermIdSchema.parse>));
        expect(b).toBeDefined();
        expect(b).not.toContain(text);
        const c = thrown(() => dayType(`${text}-01`));
        expect(c).toBeDefined();
        expect(c).not.toContain(text);
      }),
      { numRuns: 200 },
    );
  });

  it("holiday data: bad year keys, holidays and make-up days outside their year", () => {
    fc.assert(
      fc.property(markerText, fc.integer({ min: 2030, max: 2099 }), (name, year) => {
        const text = thrown(() =>
          parseInput(holidayCalendarSchema, {
            version: "x",
            years: {
              [`${name}`]: { holidays: [], makeUpWorkdays: [] },
              [String(year)]: {
                holidays: [{ name, from: "2020-01-01", to: "2020-01-02" }],
                makeUpWorkdays: ["2020-01-05"],
              },
            },
          }),
        );
        expect(text).toBeDefined();
        expect(text).not.toContain(name);
      }),
      { numRuns: 100 },
    );
  });

  it("custom-field templates: invalid keys and duplicate option values", () => {
    fc.assert(
      fc.property(markerText, (text) => {
        const out = thrown(() =>
          defineFormTemplate({
            id: "t",
            version: 1,
            scope: { level: "school", id: "s1" },
            name: { "zh-CN": "模板" },
            status: "draft",
            createdAt: "2026-09-01T08:00:00+08:00",
            fields: [
              { type: "text", key: `k${text}`, label: { "zh-CN": "甲" } },
              {
                type: "select",
                key: "pick",
                label: { "zh-CN": "乙" },
                options: [
                  { value: text, label: { "zh-CN": "一" } },
                  { value: text, label: { "zh-CN": "二" } },
                ],
              },
            ],
          }),
        );
        expect(out).toBeDefined();
        expect(out).not.toContain(text);
      }),
      { numRuns: 50 },
    );
  });

  it("photos: the declared type is never repeated; values that are not JSON data are named by kind only", () => {
    fc.assert(
      fc.property(markerText, (text) => {
        const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        const a = thrown(() => checkPhoto(png, `image/${text}`));
        expect(a).toBeDefined();
        expect(a).not.toContain(text);
        const b = thrown(() => canonicalJson({ at: new Date(0), note: text, m: new Map([[text, text]]) }));
        expect(b).toBeDefined();
        expect(b).not.toContain(text);
      }),
      { numRuns: 50 },
    );
  });
});
