import { exportCsv, exportXlsx } from "@homevisit/rest";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";

const table = {
  columns: [
    { key: "id", label: { "zh-CN": "记录编号", en: "Record id" } },
    { key: "housing", label: { "zh-CN": "住房情况", en: "Housing" } },
    { key: "note", label: { "zh-CN": "备注", en: "Note" } },
  ],
  rows: [
    ["v-001", "租住", '说"好",再来'],
    ["v-002", "自有", '=HYPERLINK("x")'],
  ],
};

describe("export files", () => {
  it("writes CSV in UTF-8 with a BOM, quoted, formulas neutralised", () => {
    const bytes = exportCsv(table);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8").decode(bytes.slice(3));
    expect(text).toBe('记录编号,住房情况,备注\r\nv-001,租住,"说""好"",再来"\r\nv-002,自有,"\'=HYPERLINK(""x"")"\r\n');
  });

  it("writes CSV in GBK for older Excel", () => {
    const bytes = exportCsv(table, { encoding: "gbk", locale: "en" });
    expect(bytes[0]).not.toBe(0xef);
    const text = new TextDecoder("gbk").decode(bytes);
    expect(text.split("\r\n")[0]).toBe("Record id,Housing,Note");
    expect(text).toContain("v-001,租住,");
  });

  it("writes an xlsx workbook whose sheet holds every cell as text", () => {
    const files = unzipSync(exportXlsx(table));
    expect(Object.keys(files).sort()).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "xl/_rels/workbook.xml.rels",
      "xl/workbook.xml",
      "xl/worksheets/sheet1.xml",
    ]);
    const sheet = strFromU8(files["xl/worksheets/sheet1.xml"] as Uint8Array);
    expect(sheet).toContain('<c r="B2" t="inlineStr"><is><t xml:space="preserve">租住</t></is></c>');
    expect(sheet).toContain("说&quot;好&quot;,再来");
    expect(sheet).toContain('<row r="3">');
  });
});
