import { defaultLocale, type Locale, type LocalizedText } from "@homevisit/core";

/**
 * The widgets' own words (buttons, headings, states). Domain labels — channels, outreach goals,
 * sections, conduct rules, statuses, categories — come from core's catalog instead, so a widget
 * says exactly what the server and the reports say.
 */
/** The widgets' zh-CN words, the source of the message keys; en must give every key. */
export const zh = {
  loading: "加载中…",
  retry: "重试",
  empty: "暂无数据",
  error: "出错了",
  offline: "当前离线：草稿保存在本机，联网后自动发送",
  online: "已联网",
  pendingDrafts: "本机待发送草稿 {count} 份",
  sendNow: "立即发送",
  student: "学生",
  kind: "家访类型",
  term: "学期",
  channel: "家访方式",
  venue: "约定场所",
  venueReason: "改在其他场所的原因",
  arrivedAt: "到达时间",
  departedAt: "离开时间",
  attendees: "在场人员",
  studentPresent: "学生本人在场",
  guardiansPresent: "在场的监护人",
  companions: "同行教师",
  outreachGoals: "四进家庭",
  tasks: "六项任务",
  topics: "内容",
  notes: "记录",
  opinions: "家长意见",
  suggestions: "家长建议",
  reflection: "反思",
  agreedApproaches: "与家长商定的做法",
  selfEvaluation: "自我评价",
  conduct: "六个不得（逐项确认）",
  conductKept: "已遵守",
  conductException: "有例外（请说明）",
  exceptionNote: "例外情况说明",
  photos: "照片",
  addPhoto: "添加照片",
  photoNote: "照片在本机缩小并去除位置等元数据后再上传",
  removePhoto: "移除照片 {n}",
  customFields: "学校自定义项目",
  saveDraft: "保存草稿",
  submit: "提交记录",
  submitted: "记录已提交",
  savedOffline: "已保存在本机，联网后自动提交（不会重复提交）",
  savedDraft: "草稿已保存",
  fixProblems: "请先完成以下内容：",
  myVisits: "我的家访",
  appointments: "家访预约",
  today: "今日家访",
  noToday: "今天没有家访",
  calendar: "订阅家访日历（ICS）",
  confirm: "确认",
  decline: "改约其他场所",
  refuse: "家长拒绝",
  contact: "已电话联系",
  reason: "原因",
  send: "提交",
  cancel: "取消",
  safetyReport: "出发前安全报告",
  destinationTown: "乡镇",
  destinationVillage: "村/社区",
  county: "县（市、区）",
  plannedStart: "出发时间",
  duration: "预计时长（分钟）",
  transport: "交通方式",
  noUnlicensed: "不乘坐无牌、无证、无保险的“三无”车辆",
  reachablePhone: "家访期间可联系的电话",
  fileReport: "提交安全报告",
  checkIn: "报平安",
  checkedIn: "已报平安",
  needsHelp: "需要帮助",
  reported: "已报备，请在结束后报平安",
  archive: "家访档案",
  purpose: "查看用途",
  purposeHint: "查看完整档案须说明用途，系统将留痕",
  open: "打开档案",
  print: "打印",
  visits: "家访记录",
  noVisits: "尚无家访记录",
  categories: "类别",
  safetyBoard: "家访安全看板",
  todaysVisits: "今日家访",
  overdue: "逾期未报平安",
  noOverdue: "没有逾期未报平安的家访",
  zeroReport: "安全零报告",
  zeroReportNothing: "本周期平安无事",
  fileZeroReport: "提交零报告",
  zeroReportFiled: "零报告已提交",
  dueAt: "应报平安时间",
  teacher: "教师",
  scan: "刷新",
  missingReport: "未报备",
  coverage: "家访覆盖率",
  groupBy: "分组",
  from: "开始日期",
  to: "结束日期",
  enrolled: "在籍",
  visited: "已家访",
  rate: "覆盖率",
  suppressed: "人数不足 5 人，不显示",
  bySchool: "按学校",
  byGrade: "按年级",
  byClass: "按班级",
  byCategory: "按类别",
  byChannel: "按方式",
  byTeacher: "按教师",
  chartTitle: "{group}覆盖率",
  status: "状态",
  start: "时间",
  location: "地点",
  more: "加载更多",
} as const;

/** The keys of the widgets' own messages. */
export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  loading: "Loading…",
  retry: "Retry",
  empty: "Nothing yet",
  error: "Something went wrong",
  offline: "Offline: drafts are kept on this device and sent when back online",
  online: "Online",
  pendingDrafts: "{count} draft(s) waiting on this device",
  sendNow: "Send now",
  student: "Student",
  kind: "Kind of visit",
  term: "Term",
  channel: "Channel",
  venue: "Venue",
  venueReason: "Why another venue",
  arrivedAt: "Arrived",
  departedAt: "Left",
  attendees: "Present",
  studentPresent: "The student was present",
  guardiansPresent: "Guardians present",
  companions: "Companion teachers",
  outreachGoals: "Four outreach goals",
  tasks: "Six tasks",
  topics: "Topics",
  notes: "Notes",
  opinions: "Parents' opinions",
  suggestions: "Parents' suggestions",
  reflection: "Reflection",
  agreedApproaches: "Approaches agreed with the parents",
  selfEvaluation: "Self-evaluation",
  conduct: "Six prohibitions (confirm each)",
  conductKept: "Kept",
  conductException: "Exception (explain)",
  exceptionNote: "What happened",
  photos: "Photos",
  addPhoto: "Add a photo",
  photoNote: "Photos are resized and stripped of location and other metadata on this device before upload",
  removePhoto: "Remove photo {n}",
  customFields: "School's own questions",
  saveDraft: "Save draft",
  submit: "Submit record",
  submitted: "Record submitted",
  savedOffline: "Saved on this device; it will be submitted once back online (never twice)",
  savedDraft: "Draft saved",
  fixProblems: "Please complete the following first:",
  myVisits: "My visits",
  appointments: "Appointments",
  today: "Today's visits",
  noToday: "No visits today",
  calendar: "Subscribe to the visit calendar (ICS)",
  confirm: "Confirm",
  decline: "Meet elsewhere",
  refuse: "Family refuses",
  contact: "Called the family",
  reason: "Reason",
  send: "Send",
  cancel: "Cancel",
  safetyReport: "Pre-visit safety report",
  destinationTown: "Town",
  destinationVillage: "Village",
  county: "County",
  plannedStart: "Leaving at",
  duration: "Expected duration (minutes)",
  transport: "Transport",
  noUnlicensed: "I will not ride an unlicensed, unplated or uninsured vehicle",
  reachablePhone: "Phone to reach me during the visit",
  fileReport: "File safety report",
  checkIn: "Check in",
  checkedIn: "Checked in",
  needsHelp: "I need help",
  reported: "Reported: check in when you are back",
  archive: "Visit archive",
  purpose: "Purpose",
  purposeHint: "Opening the full archive needs a stated purpose; it is recorded",
  open: "Open archive",
  print: "Print",
  visits: "Visits",
  noVisits: "No visits recorded yet",
  categories: "Categories",
  safetyBoard: "Visit safety board",
  todaysVisits: "Today's visits",
  overdue: "Overdue check-ins",
  noOverdue: "No overdue check-ins",
  zeroReport: "Zero report",
  zeroReportNothing: "Nothing happened this period",
  fileZeroReport: "File zero report",
  zeroReportFiled: "Zero report filed",
  dueAt: "Check-in due",
  teacher: "Teacher",
  scan: "Refresh",
  missingReport: "Not reported",
  coverage: "Visit coverage",
  groupBy: "Group by",
  from: "From",
  to: "To",
  enrolled: "Enrolled",
  visited: "Visited",
  rate: "Coverage",
  suppressed: "Fewer than 5: hidden",
  bySchool: "By school",
  byGrade: "By grade",
  byClass: "By class",
  byCategory: "By category",
  byChannel: "By channel",
  byTeacher: "By teacher",
  chartTitle: "Coverage {group}",
  status: "Status",
  start: "When",
  location: "Where",
  more: "Load more",
};

const catalogs: Record<Locale, Record<MessageKey, string>> = { "zh-CN": zh, en };

/**
 * One of the widgets' messages in a locale, `{name}` placeholders filled.
 *
 * @example
 * ```ts
 * message("en", "pendingDrafts", { count: 2 }); // "2 draft(s) waiting on this device"
 * message("zh-CN", "submit"); // "提交记录"
 * ```
 */
export function message(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = (catalogs[locale] ?? catalogs[defaultLocale])[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * A label of core's catalog in a locale.
 *
 * @example
 * ```ts
 * label({ "zh-CN": "电话家访", en: "Phone call" }, "en"); // "Phone call"
 * ```
 */
export function label(text: LocalizedText, locale: Locale): string {
  return text[locale] ?? text[defaultLocale];
}

/**
 * The locale a widget's `locale` attribute names: `en…` is English, anything else zh-CN.
 *
 * @example
 * ```ts
 * widgetLocale("en-GB"); // "en"
 * widgetLocale(undefined); // "zh-CN"
 * ```
 */
export function widgetLocale(value: string | null | undefined): Locale {
  return value?.toLowerCase().startsWith("en") ? "en" : defaultLocale;
}
