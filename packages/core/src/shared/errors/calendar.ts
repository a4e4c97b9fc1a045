import { defineErrors } from "./define.js";

/** Errors of the calendar: lunar dates, solar terms, official holidays and make-up workdays. */
export const calendarErrors = defineErrors({
  calendar_year_unsupported: {
    status: 422,
    message: {
      "zh-CN": "不支持该年份的历法计算（支持 {min}–{max} 年）",
      en: "Calendar computations for this year are not supported ({min}–{max} are)",
    },
  },
  calendar_unknown_solar_term: {
    status: 422,
    message: { "zh-CN": "未知的节气", en: "Unknown solar term" },
  },
  calendar_invalid_date: {
    status: 422,
    message: { "zh-CN": "日期无效，请使用 YYYY-MM-DD", en: "The date is not a valid YYYY-MM-DD date" },
  },
  calendar_year_key_invalid: {
    status: 422,
    message: { "zh-CN": "节假日年份必须是四位数字", en: "A holiday year must be four digits" },
  },
  calendar_holiday_outside_year: {
    status: 422,
    message: {
      "zh-CN": "节假日必须包含其所列年份内的日期",
      en: "A holiday must include a day of the year it is listed under",
    },
  },
  calendar_makeup_outside_year: {
    status: 422,
    message: {
      "zh-CN": "调休上班日必须在其所列年份内",
      en: "A make-up workday must fall in the year it is listed under",
    },
  },
  calendar_makeup_in_holiday: {
    status: 422,
    message: {
      "zh-CN": "调休上班日不能落在放假期间",
      en: "A make-up workday cannot fall inside a holiday",
    },
  },
  calendar_duplicate_makeup: {
    status: 422,
    message: { "zh-CN": "调休上班日重复", en: "A make-up workday is listed twice" },
  },
});
