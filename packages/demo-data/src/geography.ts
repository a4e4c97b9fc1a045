import type { Setting } from "@homevisit/core";
import { createRng } from "./rng.js";

/**
 * The places of the synthetic data: Lishui's nine real county-level divisions with real town
 * names (乡镇/街道), and Zhejiang's other cities for the streamed province. Villages and
 * communities are invented but plausible, and fixed by the town's name, so a town looks the
 * same whatever seed generated its schools.
 */

/** A county-level division as the generator knows it. */
export interface CountyGeography {
  /** The id of the county record (`lishui-liandu`). */
  id: string;
  /** The official name (`莲都区`). */
  name: string;
  /** What schools of the county are called after (`丽水中学`, `遂昌中学`). */
  shortName: string;
  setting: Setting;
  /** Share of the city's students (Lishui's weights follow the 2020 census roughly). */
  weight: number;
  /** The county seat, WGS-84 degrees. */
  center: { lat: number; lng: number };
  /** Town and subdistrict names (`紫金街道`, `碧湖镇`, `峰源乡`). */
  towns: readonly string[];
}

function splitNames(text: string): string[] {
  return text.split(/\s+/).filter((s) => s !== "");
}

const lishui: readonly CountyGeography[] = [
  {
    id: "lishui-liandu",
    name: "莲都区",
    shortName: "丽水",
    setting: "urban",
    weight: 0.25,
    center: { lat: 28.451, lng: 119.913 },
    towns: splitNames(
      "紫金街道 岩泉街道 万象街道 白云街道 联城街道 南明山街道 碧湖镇 大港头镇 雅溪镇 老竹畲族镇 丽新畲族乡 仙渡乡 峰源乡 太平乡 黄村乡",
    ),
  },
  {
    id: "lishui-longquan",
    name: "龙泉市",
    shortName: "龙泉",
    setting: "town",
    weight: 0.1,
    center: { lat: 28.074, lng: 119.141 },
    towns: splitNames(
      "龙渊街道 西街街道 剑池街道 塔石街道 八都镇 上垟镇 小梅镇 查田镇 安仁镇 锦溪镇 住龙镇 屏南镇 兰巨乡 宝溪乡 竹垟畲族乡 道太乡 岩樟乡 城北乡 龙南乡",
    ),
  },
  {
    id: "lishui-qingtian",
    name: "青田县",
    shortName: "青田",
    setting: "town",
    weight: 0.15,
    center: { lat: 28.139, lng: 120.289 },
    towns: splitNames(
      "鹤城街道 瓯南街道 油竹街道 三溪口街道 温溪镇 东源镇 船寮镇 北山镇 山口镇 海口镇 高湖镇 腊口镇 仁庄镇 祯埠镇 章村乡 舒桥乡 巨浦乡 万阜乡 方山乡 汤垟乡 贵岙乡 小舟山乡 吴坑乡 仁宫乡 章旦乡 阜山乡 季宅乡 黄垟乡 石溪乡 万山乡",
    ),
  },
  {
    id: "lishui-jinyun",
    name: "缙云县",
    shortName: "缙云",
    setting: "town",
    weight: 0.16,
    center: { lat: 28.659, lng: 120.091 },
    towns: splitNames(
      "五云街道 新碧街道 仙都街道 壶镇镇 新建镇 舒洪镇 大洋镇 东方镇 东渡镇 大源镇 七里乡 前路乡 三溪乡 溶江乡 双溪口乡 胡源乡 方溪乡 石笕乡 木里乡",
    ),
  },
  {
    id: "lishui-suichang",
    name: "遂昌县",
    shortName: "遂昌",
    setting: "rural",
    weight: 0.08,
    center: { lat: 28.593, lng: 119.276 },
    towns: splitNames(
      "妙高街道 云峰街道 北界镇 金竹镇 大柘镇 石练镇 王村口镇 黄沙腰镇 新路湾镇 三仁畲族乡 濂竹乡 应村乡 高坪乡 湖山乡 蔡源乡 焦滩乡 龙洋乡 柘岱口乡 西畈乡 垵口乡",
    ),
  },
  {
    id: "lishui-songyang",
    name: "松阳县",
    shortName: "松阳",
    setting: "rural",
    weight: 0.09,
    center: { lat: 28.449, lng: 119.482 },
    towns: splitNames(
      "西屏街道 水南街道 望松街道 古市镇 玉岩镇 象溪镇 大东坝镇 新兴镇 叶村乡 斋坛乡 三都乡 竹源乡 四都乡 赤寿乡 樟溪乡 枫坪乡 板桥畲族乡 裕溪乡 安民乡",
    ),
  },
  {
    id: "lishui-yunhe",
    name: "云和县",
    shortName: "云和",
    setting: "rural",
    weight: 0.05,
    center: { lat: 28.116, lng: 119.573 },
    towns: splitNames("浮云街道 元和街道 白龙山街道 凤凰山街道 崇头镇 石塘镇 紧水滩镇 雾溪畲族乡 安溪畲族乡 赤石乡"),
  },
  {
    id: "lishui-qingyuan",
    name: "庆元县",
    shortName: "庆元",
    setting: "rural",
    weight: 0.06,
    center: { lat: 27.619, lng: 119.062 },
    towns: splitNames(
      "松源街道 濛洲街道 屏都街道 黄田镇 竹口镇 荷地镇 左溪镇 贤良镇 百山祖镇 淤上乡 安南乡 张村乡 隆宫乡 举水乡 江根乡 合湖乡 岭头乡 五大堡乡 官塘乡 龙溪乡",
    ),
  },
  {
    id: "lishui-jingning",
    name: "景宁畲族自治县",
    shortName: "景宁",
    setting: "rural",
    weight: 0.06,
    center: { lat: 27.973, lng: 119.635 },
    towns: splitNames(
      "红星街道 鹤溪街道 渤海镇 东坑镇 英川镇 沙湾镇 大均乡 澄照乡 梧桐乡 鸬鹚乡 郑坑乡 毛垟乡 秋炉乡 大地乡 家地乡 雁溪乡 九龙乡 景南乡 大漈乡 梅岐乡 标溪乡",
    ),
  },
];

/** Lishui's nine county-level divisions, 莲都区 first. */
export const lishuiCounties: readonly CountyGeography[] = lishui;

/** The Lishui city record's id. */
export const lishuiCityId = "lishui";

/** A city of the streamed province. */
export interface CityGeography {
  id: string;
  name: string;
  counties: readonly CountyGeography[];
}

// Zhejiang's other ten cities with their real county-level divisions. Towns there are
// generic (城东街道, …); only Lishui carries real town names.
const zhejiangOthers: readonly [string, string, string, number, number][] = [
  [
    "hangzhou",
    "杭州市",
    "上城区 拱墅区 西湖区 滨江区 萧山区 余杭区 临平区 钱塘区 富阳区 临安区 桐庐县 淳安县 建德市",
    30.27,
    120.15,
  ],
  ["ningbo", "宁波市", "海曙区 江北区 北仑区 镇海区 鄞州区 奉化区 余姚市 慈溪市 宁海县 象山县", 29.87, 121.55],
  [
    "wenzhou",
    "温州市",
    "鹿城区 龙湾区 瓯海区 洞头区 乐清市 瑞安市 龙港市 永嘉县 平阳县 苍南县 文成县 泰顺县",
    28.0,
    120.7,
  ],
  ["jiaxing", "嘉兴市", "南湖区 秀洲区 嘉善县 海盐县 海宁市 平湖市 桐乡市", 30.75, 120.76],
  ["huzhou", "湖州市", "吴兴区 南浔区 德清县 长兴县 安吉县", 30.89, 120.09],
  ["shaoxing", "绍兴市", "越城区 柯桥区 上虞区 诸暨市 嵊州市 新昌县", 30.0, 120.58],
  ["jinhua", "金华市", "婺城区 金东区 兰溪市 义乌市 东阳市 永康市 武义县 浦江县 磐安县", 29.08, 119.65],
  ["quzhou", "衢州市", "柯城区 衢江区 江山市 常山县 开化县 龙游县", 28.94, 118.87],
  ["zhoushan", "舟山市", "定海区 普陀区 岱山县 嵊泗县", 30.0, 122.2],
  ["taizhou", "台州市", "椒江区 黄岩区 路桥区 临海市 温岭市 玉环市 天台县 仙居县 三门县", 28.66, 121.42],
];

const genericStreets = splitNames("城东街道 城西街道 城南街道 城北街道");
const townFirst = splitNames("新 大 古 石 白 青 金 龙 凤 双 清 长 高 桥 梅 竹 溪 岭 云 安 平 永 和 丰 马 杨 柳 洪");
const townSecond = splitNames("塘 溪 桥 山 口 坪 源 港 湖 岙 浦 阳 头 田 店 林 江 坑 川 畈");

function genericTowns(countyName: string): string[] {
  const rng = createRng(`towns/${countyName}`);
  const towns = new Set<string>(genericStreets);
  const townCount = rng.int(6, 12);
  while (towns.size < genericStreets.length + townCount) {
    const stem = rng.pick(townFirst) + rng.pick(townSecond);
    towns.add(`${stem}${rng.chance(0.6) ? "镇" : "乡"}`);
  }
  return [...towns];
}

function settingOfName(name: string): Setting {
  if (name.endsWith("区")) return "urban";
  if (name.endsWith("市")) return "town";
  return "rural";
}

/**
 * Zhejiang's eleven cities with their county-level divisions, Lishui last with its real towns.
 * Built on first use: the province stream is the only user.
 */
export function zhejiangCities(): CityGeography[] {
  const cities: CityGeography[] = zhejiangOthers.map(([slug, name, counties, lat, lng]) => {
    const rng = createRng(`city/${slug}`);
    return {
      id: slug,
      name,
      counties: splitNames(counties).map((countyName, i) => ({
        id: `${slug}-d${String(i + 1).padStart(2, "0")}`,
        name: countyName,
        shortName: countyName.slice(0, 2),
        setting: settingOfName(countyName),
        weight: 0.6 + rng.next() * 0.8,
        center: { lat: lat + (rng.next() - 0.5) * 0.8, lng: lng + (rng.next() - 0.5) * 0.8 },
        towns: genericTowns(`${name}${countyName}`),
      })),
    };
  });
  cities.push({ id: lishuiCityId, name: "丽水市", counties: lishui });
  return cities;
}

/** Whether a town is a subdistrict (街道), a town (镇) or a township (乡). */
export type TownType = "street" | "town" | "township";

/** The type of a town by its name's ending. */
export function townTypeOf(town: string): TownType {
  if (town.endsWith("街道")) return "street";
  if (town.endsWith("镇")) return "town";
  return "township";
}

/**
 * The setting of a school in a town of a county: only the urban county's subdistricts are
 * urban; townships (乡) are always rural; a rural county's towns (镇) are rural too.
 */
export function settingOf(county: CountyGeography, town: string): Setting {
  const type = townTypeOf(town);
  if (type === "township") return "rural";
  if (type === "street") return county.setting === "urban" ? "urban" : "town";
  return county.setting === "rural" ? "rural" : "town";
}

/** A village or residential community, with its distance from the town centre. */
export interface Village {
  name: string;
  /** Minutes from the town centre. */
  minutes: number;
  /** A far mountain village: visits there count as remote. */
  far: boolean;
}

/** A town with its villages, its distance from the county seat and its coordinates. */
export interface TownGeography {
  name: string;
  type: TownType;
  /** Minutes from the county seat. */
  minutes: number;
  center: { lat: number; lng: number };
  villages: Village[];
}

const villageFirst = splitNames(
  "上 下 大 小 前 后 东 西 南 北 新 老 高 石 竹 梅 黄 杨 李 吴 叶 周 陈 金 龙 凤 白 岩 松 茶 樟 枫 桃 柳 双 塘 水 山 林 岭",
);
const villageSecond = splitNames("坑 垟 岙 源 头 口 坪 坞 湾 岭 田 塘 溪 洋 庄 坳 畈 屋 埠 圩 岗 坦 底 墩");
const communityNames = splitNames(
  "城东 城西 城南 城北 府前 中山 解放 人民 新华 文化 花园 锦绣 江滨 滨江 阳光 金桥 和平 太平 仁和 永安 康宁 丽阳 水阁 天宁 三岩 白云 万象 南明 岩泉 继光 行春 囿山 应星 厦河 紫金 大洋 新村 秀山",
);

/**
 * A town's geography, the same for every seed. Subdistricts have residential communities
 * (社区); towns a community and villages; townships villages only, some far in the hills.
 */
export function townGeography(county: CountyGeography, town: string): TownGeography {
  const rng = createRng(`town/${county.name}/${town}`);
  const type = townTypeOf(town);
  const villages: Village[] = [];
  const seen = new Set<string>();
  const add = (name: string, minutes: number, far: boolean): void => {
    if (seen.has(name)) return;
    seen.add(name);
    villages.push({ name, minutes, far });
  };
  if (type === "street") {
    const count = rng.int(6, 12);
    for (let tries = 0; villages.length < count && tries < 200; tries++) {
      add(`${rng.pick(communityNames)}社区`, rng.int(3, 15), false);
    }
  } else {
    add(`${town.replace(/(畲族)?(镇|乡)$/, "")}社区`, rng.int(2, 6), false);
    const count = type === "town" ? rng.int(10, 18) : rng.int(6, 12);
    const farShare = type === "town" ? 0.08 : 0.25;
    for (let tries = 0; villages.length < count + 1 && tries < 500; tries++) {
      const far = rng.chance(farShare);
      add(`${rng.pick(villageFirst)}${rng.pick(villageSecond)}村`, far ? rng.int(50, 150) : rng.int(5, 40), far);
    }
  }
  const minutes = type === "street" ? rng.int(3, 12) : type === "town" ? rng.int(20, 55) : rng.int(35, 100);
  const spread = minutes / 400;
  return {
    name: town,
    type,
    minutes,
    center: {
      lat: county.center.lat + (rng.next() - 0.5) * 2 * spread,
      lng: county.center.lng + (rng.next() - 0.5) * 2 * spread,
    },
    villages,
  };
}
