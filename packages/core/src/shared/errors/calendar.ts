import { defineErrors } from "./define.js";

/** Errors of the calendar: lunar dates, solar terms, official holidays and make-up workdays. */
export const calendarErrors = defineErrors({
  calendar_year_unsupported: {
    status: 422,
    message: {
      "zh-CN": "不支持 {year} 年的历法计算（支持 {min}–{max} 年）",
      en: "Calendar computations for {year} are not supported ({min}–{max} are)",
    },
  },
  calendar_unknown_solar_term: {
    status: 422,
    message: { "zh-CN": "未知的节气“{term}”", en: 'Unknown solar term "{term}"' },
  },
  calendar_invalid_date: {
    status: 422,
    message: { "zh-CN": "日期“{date}”无效，请使用 YYYY-MM-DD", en: 'The date "{date}" is not a valid YYYY-MM-DD date' },
  },
  calendar_year_key_invalid: {
    status: 422,
    message: { "zh-CN": "节假日年份“{year}”必须是四位数字", en: 'The holiday year "{year}" must be four digits' },
  },
  calendar_holiday_outside_year: {
    status: 422,
    message: {
      "zh-CN": "{year} 年的节假日“{name}”必须包含该年内的日期",
      en: 'The holiday "{name}" listed under {year} must include a day of that year',
    },
  },
  calendar_makeup_outside_year: {
    status: 422,
    message: {
      "zh-CN": "调休上班日必须在 {year} 年内",
      en: "A make-up workday listed under {year} must fall in that year",
    },
  },
  calendar_makeup_in_holiday: {
    status: 422,
    message: {
      "zh-CN": "调休上班日不能落在放假期间（{name}）",
      en: "A make-up workday cannot fall inside a holiday ({name})",
    },
  },
  calendar_duplicate_makeup: {
    status: 422,
    message: { "zh-CN": "调休上班日重复", en: "A make-up workday is listed twice" },
  },
});
