import { defineErrors } from "./define.js";

/** Errors of the organisation, student and category models. */
export const domainErrors = defineErrors({
  grade_not_taught: {
    status: 422,
    message: { "zh-CN": "{kind} 学校不设 {grade} 年级", en: "Grade {grade} is not taught at a {kind} school" },
  },
  county_required: {
    status: 422,
    message: { "zh-CN": "县（市、区）教育局人员必须指定所属县区", en: "County bureau staff need a countyId" },
  },
  date_range_inverted: {
    status: 422,
    message: { "zh-CN": "结束日期不能早于开始日期", en: "The end date is before the start date" },
  },
  enrolments_overlap: {
    status: 422,
    message: { "zh-CN": "学籍记录的时间段重叠", en: "Enrolment periods overlap" },
  },
  primary_guardian_count: {
    status: 422,
    message: { "zh-CN": "主要监护人最多只能有一位", en: "At most one guardian may be the primary guardian" },
  },
  alternative_venue_reason_required: {
    status: 422,
    message: { "zh-CN": "改在其他场所面谈时须说明原因", en: "A visit at an alternative venue needs the reason" },
  },
});
