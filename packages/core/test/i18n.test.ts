import { defaultLocale, formatText, locales, localizeAll, pickLocale } from "@homevisit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("pickLocale", () => {
  it("defaults to zh-CN", () => {
    expect(defaultLocale).toBe("zh-CN");
    expect(locales).toEqual(["zh-CN", "en"]);
    expect(pickLocale(undefined)).toBe("zh-CN");
    expect(pickLocale(null)).toBe("zh-CN");
    expect(pickLocale("")).toBe("zh-CN");
    expect(pickLocale([])).toBe("zh-CN");
  });

  it.each([
    ["en-US,en;q=0.9", "en"],
    ["zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"],
    ["en;q=0.5, zh-CN;q=0.8", "zh-CN"],
    ["zh;q=0.3,en;q=0.7", "en"],
    ["fr-FR, de;q=0.9, en;q=0.1", "en"],
    ["fr-FR, de;q=0.9", "zh-CN"],
    ["EN-gb", "en"],
    ["zh-TW", "zh-CN"],
    ["zh-Hant-HK;q=0.9, en;q=0.8", "zh-CN"],
    ["en;q=0, zh;q=0.1", "zh-CN"],
    ["zh;q=0, en;q=0.1", "en"],
    ["en;q=0", "zh-CN"],
    ["en;q=abc, zh;q=0.1", "zh-CN"],
    ["*", "zh-CN"],
    [" en ; q=0.8 , zh ; q=0.7 ", "en"],
    ["en;q=0.8,zh;q=0.8", "en"],
    ["zh;q=0.8,en;q=0.8", "zh-CN"],
  ])("picks from %j", (header, expected) => {
    expect(pickLocale(header)).toBe(expected);
  });

  it("takes a list in its order of preference", () => {
    expect(pickLocale(["fr", "en-AU", "zh-CN"])).toBe("en");
    expect(pickLocale(["zh-Hans", "en"])).toBe("zh-CN");
  });

  it("never throws and always answers a supported locale (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        expect(locales).toContain(pickLocale(header));
      }),
      { numRuns: 500 },
    );
  });
});

describe("formatText", () => {
  const template = { "zh-CN": "字段 {key} 重复 {n} 次", en: "Field {key} repeated {n} times" };

  it("fills placeholders in the chosen locale, zh-CN by default", () => {
    expect(formatText(template, { key: "hobby", n: 2 })).toBe("字段 hobby 重复 2 次");
    expect(formatText(template, { key: "hobby", n: 2 }, "en")).toBe("Field hobby repeated 2 times");
  });

  it("keeps placeholders that have no value", () => {
    expect(formatText(template, { key: "hobby" }, "en")).toBe("Field hobby repeated {n} times");
    expect(formatText(template)).toBe("字段 {key} 重复 {n} 次");
  });

  it("inserts values literally, even replacement patterns", () => {
    expect(formatText(template, { key: "$&$1$$", n: 0 }, "en")).toBe("Field $&$1$$ repeated 0 times");
  });

  it("does not read placeholders through the prototype", () => {
    expect(formatText({ "zh-CN": "{toString}", en: "{constructor}" }, {}, "en")).toBe("{constructor}");
  });

  it("localizeAll fills both locales", () => {
    expect(localizeAll({ "zh-CN": "{n} 名学生", en: "{n} students" }, { n: 3 })).toEqual({
      "zh-CN": "3 名学生",
      en: "3 students",
    });
  });

  it("leaves text without placeholders unchanged (property)", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/\{\w+\}/.test(s)),
        (s) => {
          expect(formatText({ "zh-CN": s, en: s }, { a: 1 }, "en")).toBe(s);
        },
      ),
    );
  });
});
