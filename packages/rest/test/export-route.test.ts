// The export route answers real files over real HTTP: CSV in UTF-8 (with a BOM) and in GBK, and
// xlsx, each parsed back here and compared with the JSON table the same route answers.
import { strFromU8, unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { fullRecord } from "../../core/test/engine-forms-suite.js";
import { type Served, serve } from "./http.js";
import { basePath, makeWorld, type World } from "./world.js";

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const period = "from=2026-09-01&to=2026-12-31";
const purpose = { "Homevisit-Purpose": encodeURIComponent("学期总结") };

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  return rows;
}

/** The cells of the first sheet, row by row (inline strings, as exportXlsx writes them). */
function sheetRows(bytes: Uint8Array): string[][] {
  const sheet = strFromU8(unzipSync(bytes)["xl/worksheets/sheet1.xml"] as Uint8Array);
  const decodeXml = (t: string) =>
    t
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  return [...sheet.matchAll(/<row r="\d+">(.*?)<\/row>/g)].map((m) =>
    [...(m[1] as string).matchAll(/<t xml:space="preserve">(.*?)<\/t>/g)].map((c) => decodeXml(c[1] as string)),
  );
}

describe("the export route answers files", () => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  async function world(): Promise<{
    w: World;
    get: (who: string, query: string, headers?: Record<string, string>) => Promise<Response>;
  }> {
    const w = await makeWorld();
    await w.storage.transaction(async (tx) => {
      for (const [i, studentId] of w.ids.school1Students.entries()) {
        await tx.visitRecords.create({
          ...fullRecord,
          id: `v-exp-${i + 1}`,
          schoolId: "sch-1",
          studentId,
          teacherId: "t-t1",
          status: "submitted",
          submittedAt: "2026-10-08T09:00:00+08:00",
        } as never);
      }
    });
    served = await serve(w.handler);
    const url = served.url;
    const get = (who: string, query: string, headers: Record<string, string> = {}) =>
      fetch(`${url}${basePath}/exports/visit-records?${query}`, {
        headers: { Authorization: `Bearer tok-${who}`, ...headers },
      });
    return { w, get };
  }

  it("answers CSV (UTF-8 with a BOM, GBK) and xlsx holding the same table as the JSON, named after the school and period", async () => {
    const { get } = await world();
    const jsonResponse = await get("principal1", period, purpose);
    expect(jsonResponse.status).toBe(200);
    expect(jsonResponse.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const table = (await jsonResponse.json()) as { columns: { label: { "zh-CN": string } }[]; rows: string[][] };
    const expected = [table.columns.map((c) => c.label["zh-CN"]), ...table.rows];
    expect(table.rows.map((r) => r[0])).toEqual(["v-exp-1", "v-exp-2", "v-exp-3"]);
    expect(expected[0]?.[0]).toBe("记录编号");

    const name = encodeURIComponent("莲都实验中学-家访记录-2026-09-01至2026-12-31");
    const csv = await get("principal1", `${period}&format=csv`, purpose);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(csv.headers.get("content-disposition")).toBe(
      `attachment; filename="sch-1-visit-records-2026-09-01_2026-12-31.csv"; filename*=UTF-8''${name}.csv`,
    );
    expect(csv.headers.get("vary")).toContain("Accept");
    expect(csv.headers.get("cache-control")).toBe("no-store");
    const utf8 = new Uint8Array(await csv.arrayBuffer());
    expect([...utf8.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(parseCsv(new TextDecoder("utf-8").decode(utf8.slice(3)))).toEqual(expected);

    const gbk = await get("principal1", `${period}&format=csv-gbk`, purpose);
    expect(gbk.headers.get("content-type")).toBe("text/csv; charset=gbk; header=present");
    const gbkBytes = new Uint8Array(await gbk.arrayBuffer());
    expect(gbkBytes[0]).not.toBe(0xef);
    // GBK is not UTF-8: the header row does not decode as UTF-8 without replacement characters.
    expect(new TextDecoder("utf-8").decode(gbkBytes)).toContain("\ufffd");
    expect(parseCsv(new TextDecoder("gbk").decode(gbkBytes))).toEqual(expected);

    const xlsx = await get("principal1", period, { ...purpose, Accept: xlsxType });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toBe(xlsxType);
    expect(xlsx.headers.get("content-disposition")).toContain(`filename*=UTF-8''${name}.xlsx`);
    expect(sheetRows(new Uint8Array(await xlsx.arrayBuffer()))).toEqual(expected);

    const byAccept = await get("principal1", period, { ...purpose, Accept: "text/csv" });
    expect(byAccept.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
  });

  it("requires a purpose, keeps the policy, refuses an unknown format, and audits every file", async () => {
    const { w, get } = await world();
    const before = (await w.storage.audit.read("sch-1")).length;
    const missing = await get("principal1", `${period}&format=xlsx`);
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { code: string }).code).toBe("purpose_required");
    const teacher = await get("teacher1", `${period}&format=csv`, purpose);
    expect(teacher.status).toBe(403);
    expect(teacher.headers.get("content-type")).toContain("application/problem+json");
    const unknown = await get("principal1", `${period}&format=pdf`, purpose);
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { code: string }).code).toBe("validation_failed");
    const ok = await get("principal1", `${period}&format=csv-gbk`, purpose);
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const rows = (await w.storage.audit.read("sch-1")).slice(before);
    const exports = rows.filter((r) => r.action === "forms.export" && r.result === "ok");
    expect(exports).toHaveLength(1);
    expect(exports[0]?.purpose).toBe("学期总结");
  });

  it("is declared in the OpenAPI document with its binary media types and the format parameter", async () => {
    const { w } = await world();
    const doc = (await (await w.handler(new Request(`http://x${basePath}/openapi.json`))).json()) as {
      paths: Record<
        string,
        {
          get: {
            parameters: { name: string; in: string }[];
            responses: Record<string, { content: Record<string, unknown>; headers: Record<string, unknown> }>;
          };
        }
      >;
    };
    const op = doc.paths["/exports/visit-records"]?.get;
    expect(op?.parameters.some((p) => p.name === "format" && p.in === "query")).toBe(true);
    expect(Object.keys(op?.responses["200"]?.content ?? {}).sort()).toEqual(
      ["application/json", "text/csv", xlsxType].sort(),
    );
    expect(op?.responses["200"]?.headers).toHaveProperty("Content-Disposition");
  });
});
