import type { Rng } from "./rng.js";

/**
 * Chinese names and mobile numbers. Names are built from whole characters (code points), never
 * from UTF-16 units, so an astral character such as 𠀀 (U+20000) is never split.
 */

function chars(text: string): string[] {
  // Array.from walks code points: astral characters stay whole.
  return Array.from(text.replace(/\s+/g, ""));
}

// Common surnames of southern Zhejiang, weighted; 蓝, 雷 and 钟 are the She people's surnames,
// frequent in 景宁 and the She townships.
const surnameEntries: readonly (readonly [string, number])[] = [
  ["吴", 7],
  ["叶", 7],
  ["李", 6],
  ["陈", 6],
  ["王", 5],
  ["周", 5],
  ["刘", 4],
  ["季", 3],
  ["林", 3],
  ["徐", 3],
  ["潘", 3],
  ["毛", 2],
  ["朱", 2],
  ["金", 2],
  ["杨", 2],
  ["张", 3],
  ["何", 2],
  ["赵", 1],
  ["郑", 2],
  ["应", 1],
  ["梅", 1],
  ["项", 1],
  ["胡", 2],
  ["黄", 2],
  ["练", 1],
  ["蓝", 1],
  ["雷", 1],
  ["钟", 1],
  ["欧阳", 0.2],
];
const sheSurnameEntries: readonly (readonly [string, number])[] = [...surnameEntries, ["蓝", 8], ["雷", 8], ["钟", 5]];

const boyChars = chars(
  "浩 宇 轩 泽 睿 铭 博 俊 杰 昊 天 航 宸 奕 皓 辰 逸 子 梓 一 嘉 晨 鑫 磊 凯 煜 瑞 宏 文 涛 锦 哲 翔 恒 源",
);
const girlChars = chars(
  "涵 欣 怡 萱 雨 思 婷 悦 彤 语 依 若 琪 瑶 熙 萌 心 诗 梦 雅 佳 可 晓 静 妍 蕾 菲 璐 馨 月 婉 玥 紫 安 宁",
);
const sharedChars = chars("子 梓 一 嘉 佳 可 晨 思 雨 文 安 乐 沐 然 锦 诺 亦 星 知");
const adultMaleChars = chars("建 国 军 伟 强 勇 华 平 明 林 海 峰 波 斌 涛 东 刚 志 新 荣 杰 永 忠 春");
const adultFemaleChars = chars("丽 芳 红 英 霞 燕 梅 娟 敏 静 秀 玲 艳 萍 琴 慧 娜 丹 青 玉 春 美 芬 素");
const elderMaleChars = chars("根 土 水 福 金 松 有 发 德 木 财 生 法 贵 昌");
const elderFemaleChars = chars("花 菊 兰 凤 英 翠 桂 香 仙 珍 彩 娥 秀 莲 妹");

/**
 * Rare characters seen in real names that trip software: 䶮 (U+4DAE, CJK Extension A), 龑, and
 * the astral 𠀀 (U+20000), 𠮷 (U+20BB7), 𪚥 (U+2A6A5), which take two UTF-16 units each.
 */
export const rareNameCharacters: readonly string[] = chars("䶮 𠀀 𠮷 𪚥 龑 堃 喆 淼 犇 㛃");

/** The share of generated people whose given name has a rare character. */
export const rareNameShare = 0.006;

/** Who a name is for: the character pools differ by generation and gender. */
export type NameStyle = "boy" | "girl" | "man" | "woman" | "old_man" | "old_woman";

/** A surname, weighted by region; `she` favours the She people's surnames. */
export function pickSurname(rng: Rng, she = false): string {
  return rng.weighted(she ? sheSurnameEntries : surnameEntries);
}

/**
 * A given name of one or two characters in a style; a small share carries a rare character.
 */
export function pickGivenName(rng: Rng, style: NameStyle): string {
  const pool =
    style === "boy"
      ? boyChars
      : style === "girl"
        ? girlChars
        : style === "man"
          ? adultMaleChars
          : style === "woman"
            ? adultFemaleChars
            : style === "old_man"
              ? elderMaleChars
              : elderFemaleChars;
  const young = style === "boy" || style === "girl";
  const first = young && rng.chance(0.15) ? rng.pick(sharedChars) : rng.pick(pool);
  const twoChars = rng.chance(young ? 0.85 : 0.7);
  const second = twoChars ? rng.pick(pool) : "";
  if (rng.chance(rareNameShare)) {
    const rare = rng.pick(rareNameCharacters);
    return twoChars && rng.chance(0.5) ? first + rare : rare + second;
  }
  return first + second;
}

const mobilePrefixes = [
  "130",
  "131",
  "132",
  "133",
  "134",
  "135",
  "136",
  "137",
  "138",
  "139",
  "150",
  "151",
  "152",
  "153",
  "155",
  "156",
  "157",
  "158",
  "159",
  "166",
  "177",
  "180",
  "181",
  "182",
  "183",
  "186",
  "187",
  "188",
  "189",
  "191",
  "198",
  "199",
];

/** A mainland mobile number (11 digits, starting 13–19), valid for core's `phoneSchema`. */
export function mobileNumber(rng: Rng): string {
  const tail = rng.int(0, 99_999_999);
  return rng.pick(mobilePrefixes) + String(tail).padStart(8, "0");
}
