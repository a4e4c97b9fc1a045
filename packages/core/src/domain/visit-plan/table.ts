import type { LocalizedText } from "../../shared/i18n.js";
import { priorityCategoryLabels } from "../categories.js";
import type { VisitPlanTable } from "./schema.js";

const t = (zh: string, en: string): LocalizedText => ({ "zh-CN": zh, en });

// Items shared by several entries: the same object in two entries shows once in a plan.
const shared = {
  aidLeaflet: t(
    "学生资助政策宣传单和申请表（家庭经济困难学生认定及资助申请流程）",
    "Student financial-aid policy leaflet and application form (how hardship is assessed and how to apply)",
  ),
  aidPolicy: t(
    "介绍助学金、学费减免、营养改善、生活补助等资助项目和申请办法",
    "Explain the aid on offer (grants, fee waivers, nutrition programme, living allowances) and how to apply",
  ),
  counsellor: t("学校心理辅导老师的联系方式", "Contact details of the school's counsellor"),
  safetyTalk: t(
    "提醒监护人关注孩子的安全：防溺水、交通安全、用电用火安全",
    "Remind the carers of the child's safety: drowning, road safety, electricity and fire",
  ),
  noNeighbours: t(
    "不在邻居、亲友面前谈论学生的类别和家庭困难，不向邻居打听家庭情况",
    "Never discuss the student's category or the family's difficulties in front of neighbours or relatives, nor ask neighbours about the family",
  ),
  noLabel: t(
    "不给孩子贴标签，不在孩子面前批评孩子或拿孩子与他人比较",
    "Don't label the child; don't criticise the child or compare them with others in front of them",
  ),
  readArchive: t("查阅学生家访档案和上次家访记录", "Read the student's visit archive and the record of the last visit"),
  mentorContact: t(
    "告知班主任和德育导师的联系方式，家里有事可随时联系学校",
    "Give the contact details of the class teacher and the mentor: the family can reach the school any time",
  ),
} as const;

/**
 * The default visit-plan table, faithful to the Lishui guidance (2016): one entry per built-in
 * trigger, Chinese first. Frozen: extend it with {@link extendVisitPlanTable}.
 *
 * @example
 * ```ts
 * defaultVisitPlanTable.economic_hardship?.prepare[0]?.["zh-CN"];
 * // "学生资助政策宣传单和申请表（家庭经济困难学生认定及资助申请流程）"
 * ```
 */
export const defaultVisitPlanTable: Readonly<VisitPlanTable> = deepFreeze({
  family_crisis: {
    label: priorityCategoryLabels.family_crisis,
    why: t("家庭突发重大变故（自 {since} 起）", "The family was hit by a sudden major event (since {since})"),
    goals: [
      t("及时了解变故对家庭和孩子的影响", "Learn promptly how the event affects the family and the child"),
      t(
        "给予情感关怀，帮助孩子稳定学习和生活",
        "Offer care and help the child keep their studies and daily life steady",
      ),
      t("协调学校和社会的帮扶资源", "Bring together the school's and the community's support"),
    ],
    talkingPoints: [
      t(
        "代表学校表达关心和慰问，说明学校能够提供的帮助",
        "Express the school's sympathy and explain what help the school can give",
      ),
      t(
        "关注孩子的情绪和睡眠变化，必要时安排心理辅导",
        "Watch for changes in the child's mood and sleep; arrange counselling if needed",
      ),
      shared.aidPolicy,
    ],
    prepare: [shared.aidLeaflet, shared.counsellor],
    cautions: [
      t(
        "尊重家庭意愿，不追问变故细节，不对外传播家庭情况",
        "Respect the family's wishes: don't press for details of the event and don't spread the family's story",
      ),
      t(
        "拍照须征得家长同意，不拍摄家庭困境",
        "Take photos only with the parents' consent, and never of the family's hardship",
      ),
      shared.noNeighbours,
    ],
    tasks: ["learn_family_situation", "support_priority_student"],
    outreachGoals: ["care", "support"],
    rank: 100,
    enabled: true,
  },
  mentor_needed: {
    label: t("尚未确定德育导师", "No mentor yet"),
    why: t("重点关注学生尚未确定德育导师", "A priority student has no moral-education mentor yet"),
    goals: [
      t(
        "为学生确定德育导师，并向家长介绍导师和帮扶安排",
        "Appoint a mentor for the student and introduce the mentor and the support plan to the parents",
      ),
    ],
    talkingPoints: [
      t(
        "与家长商定帮扶措施：关心帮助、心理辅导、学习辅导和助学",
        "Agree the support with the parents: care, counselling, learning support and financial aid",
      ),
    ],
    prepare: [t("访前与学校商定德育导师人选", "Agree with the school who will be the mentor before the visit")],
    cautions: [],
    tasks: ["support_priority_student"],
    outreachGoals: ["support"],
    rank: 120,
    enabled: true,
  },
  open_follow_ups: {
    label: t("上次家访有未完成的跟进事项", "Open follow-ups from the last visit"),
    why: t(
      "上次家访（{date}）商定的跟进事项还有 {count} 项未完成",
      "{count} follow-up action(s) agreed at the last visit ({date}) are still open",
    ),
    goals: [
      t(
        "跟进上次家访商定的事项，向家长反馈落实情况",
        "Follow up what was agreed last time and tell the parents how far it has got",
      ),
    ],
    talkingPoints: [
      t(
        "询问上次商定的措施效果如何，共同调整帮扶办法",
        "Ask how the measures agreed last time have worked and adjust them together",
      ),
    ],
    prepare: [shared.readArchive],
    cautions: [],
    tasks: ["support_priority_student", "collect_feedback"],
    outreachGoals: ["support"],
    rank: 130,
    enabled: true,
  },
  newly_flagged_category: {
    label: t("上次家访后新列入重点关注", "Newly flagged since the last visit"),
    why: t("上次家访（{date}）之后新列入：{categories}", "Flagged since the last visit ({date}): {categories}"),
    goals: [
      t(
        "了解新情况的经过和家庭的需要，确定帮扶措施",
        "Learn what has changed and what the family needs, and decide the support",
      ),
    ],
    talkingPoints: [
      t(
        "与家长一起确认新情况，说明学校将提供的帮助",
        "Confirm the new situation with the parents and explain the help the school will give",
      ),
    ],
    prepare: [],
    cautions: [shared.noLabel],
    tasks: ["learn_family_situation", "support_priority_student"],
    outreachGoals: ["care", "support"],
    rank: 140,
    enabled: true,
  },
  major_change: {
    label: priorityCategoryLabels.major_change,
    why: t("思想或学业上有重大变化（自 {since} 起）", "A major change in thinking or in grades (since {since})"),
    goals: [
      t("了解变化发生的时间和可能的原因", "Learn when the change began and what may lie behind it"),
      t("与家长共同商定关心和引导的措施", "Agree with the parents how to care for and guide the child"),
    ],
    talkingPoints: [
      t(
        "客观说明孩子在校的具体变化（情绪、行为、成绩），不急于下结论",
        "Describe the concrete changes seen at school (mood, behaviour, marks) without jumping to conclusions",
      ),
      t(
        "询问家庭近期有无变化，孩子在家的情绪、作息、交友和上网情况",
        "Ask about recent changes at home and the child's mood, routine, friends and time online",
      ),
      t("必要时介绍学校的心理辅导资源", "Where it helps, introduce the school's counselling"),
    ],
    prepare: [
      t("变化前后的成绩和在校表现记录", "Marks and school records from before and after the change"),
      shared.counsellor,
    ],
    cautions: [
      t(
        "如发现自伤、轻生等危险迹象，立即报告学校并联系专业人员",
        "If there are signs of self-harm or suicide risk, report to the school at once and bring in professionals",
      ),
      t("不在孩子面前与家长相互指责", "Don't trade blame with the parents in front of the child"),
    ],
    tasks: ["learn_family_situation", "report_school_performance", "guide_healthy_growth", "support_priority_student"],
    outreachGoals: ["care", "guidance", "support"],
    rank: 150,
    enabled: true,
  },
  category_review_overdue: {
    label: t("类别复核已逾期", "Category review overdue"),
    why: t("以下类别的复核已逾期：{categories}", "The review of these categories is overdue: {categories}"),
    goals: [
      t(
        "核实相关情况是否仍然存在，访后及时更新类别认定",
        "Check whether the situation still holds, and update the categories after the visit",
      ),
    ],
    talkingPoints: [],
    prepare: [t("查阅类别认定的依据和上次复核记录", "Read why the category was set and the last review")],
    cautions: [
      t(
        "核实情况以了解和关心为主，不当着孩子的面讨论类别认定",
        "Check by listening and caring; don't discuss the category decision in front of the child",
      ),
    ],
    tasks: ["learn_family_situation"],
    outreachGoals: ["care"],
    rank: 160,
    enabled: true,
  },
  new_student: {
    label: t("新生", "New student"),
    why: t("本校第一学年的新生（{since} 入学）", "A new student in the first school year here (joined {since})"),
    goals: [
      t(
        "与家庭建立联系和信任，留下班主任和任课教师的联系方式",
        "Build contact and trust with the family; leave the class teacher's and subject teachers' contact details",
      ),
      t(
        "了解孩子的成长经历、性格特点、兴趣特长和健康状况",
        "Learn the child's history, personality, interests, talents and health",
      ),
      t("帮助孩子和家长尽快适应新学校", "Help the child and the parents settle into the new school"),
    ],
    talkingPoints: [
      t(
        "介绍学校的办学理念、作息时间、规章制度和家校沟通渠道",
        "Introduce the school's philosophy, daily timetable, rules and how to reach the school",
      ),
      t(
        "询问孩子入学以来的适应情况：同伴、作业量、作息",
        "Ask how the child has settled in: friends, homework load, daily routine",
      ),
      t(
        "了解家长对孩子的期望和对学校的建议",
        "Hear the parents' hopes for the child and their suggestions for the school",
      ),
    ],
    prepare: [t("学校简介和新生入学须知", "School brochure and the new-student notice")],
    cautions: [t("初次见面以倾听为主，不急于评价孩子", "At a first meeting, listen more than you judge the child")],
    tasks: ["learn_family_situation", "explain_school_policy", "collect_feedback"],
    outreachGoals: ["care", "policy"],
    rank: 200,
    enabled: true,
  },
  no_previous_visit: {
    label: t("尚无家访记录", "Never visited"),
    why: t("该生尚无家访记录", "The student has no visit on record yet"),
    goals: [t("建立学生家访档案", "Start the student's visit archive")],
    talkingPoints: [
      t("了解家庭成员、居住环境和主要联系人", "Learn who is in the family, the home environment and whom to contact"),
    ],
    prepare: [
      t(
        "访前核对家庭住址和监护人联系方式",
        "Check the home address and the guardians' contact details before the visit",
      ),
    ],
    cautions: [],
    tasks: ["learn_family_situation"],
    outreachGoals: ["care"],
    rank: 500,
    enabled: true,
  },
  no_in_home_visit: {
    label: t("尚未进家入户", "Never visited at home"),
    why: t("以往 {count} 次家访均未进家入户", "None of the {count} earlier visit(s) took place in the home"),
    goals: [
      t(
        "本次尽量进家入户，实地了解家庭环境",
        "Visit in the home this time if at all possible, to see the home environment",
      ),
    ],
    talkingPoints: [
      t(
        "家长确实不便入户时，了解原因并约定合适场所面谈",
        "Where the parents really find a home visit inconvenient, ask why and agree a suitable place to meet",
      ),
    ],
    prepare: [],
    cautions: [],
    tasks: ["learn_family_situation"],
    outreachGoals: ["care"],
    rank: 510,
    enabled: true,
  },
  long_since_last_visit: {
    label: t("一年多未家访", "No visit for over a year"),
    why: t("距上次家访（{date}）已 {days} 天", "{days} days since the last visit ({date})"),
    goals: [
      t(
        "重新了解一年多来家庭情况和孩子成长的变化",
        "Catch up on how the family and the child have changed over the past year and more",
      ),
    ],
    talkingPoints: [
      t(
        "询问家庭近一年有无重大变化：搬家、家庭成员、工作",
        "Ask whether anything major changed this year: moving house, family members, work",
      ),
    ],
    prepare: [shared.readArchive],
    cautions: [],
    tasks: ["learn_family_situation"],
    outreachGoals: ["care"],
    rank: 520,
    enabled: true,
  },
  disability: {
    label: priorityCategoryLabels.disability,
    why: t("残疾学生（自 {since} 起）", "Disabled student (since {since})"),
    goals: [
      t(
        "了解孩子的康复、医疗和生活照料需求",
        "Learn the child's needs for rehabilitation, medical care and daily care",
      ),
      t(
        "商定学校能提供的支持：随班就读、送教上门、无障碍设施、个别化教育",
        "Agree what the school can provide: a place in a regular class, teaching at home, accessibility, an individual education plan",
      ),
    ],
    talkingPoints: [
      t("询问家长希望学校在哪些方面给予帮助", "Ask the parents where they would like the school's help"),
      t(
        "肯定孩子的长处和进步，增强家庭的信心",
        "Recognise the child's strengths and progress, and build the family's confidence",
      ),
      t(
        "介绍残疾学生资助、康复补助等政策和申请渠道",
        "Explain the aid for disabled students, rehabilitation allowances and how to apply",
      ),
    ],
    prepare: [
      t("特殊教育和残疾学生资助政策资料", "Material on special education and aid for disabled students"),
      t(
        "了解住所的无障碍情况，选择方便家庭的时间",
        "Find out about access to the home and pick a time that suits the family",
      ),
    ],
    cautions: [
      t(
        "不在邻居或其他人面前谈论孩子的残疾诊断和病情",
        "Never discuss the child's disability diagnosis or condition in front of neighbours or others",
      ),
      t(
        "不索要、不翻拍病历和残疾证，只记录必要的信息",
        "Don't ask for or photograph medical records or the disability certificate; record only what is needed",
      ),
    ],
    tasks: ["learn_family_situation", "explain_school_policy", "guide_healthy_growth", "support_priority_student"],
    outreachGoals: ["care", "policy", "support"],
    rank: 250,
    enabled: true,
  },
  economic_hardship: {
    label: priorityCategoryLabels.economic_hardship,
    why: t("家庭经济困难（自 {since} 起）", "The family is in economic difficulty (since {since})"),
    goals: [
      t("了解家庭的经济状况和实际困难", "Learn the family's financial situation and practical difficulties"),
      t(
        "宣传学生资助政策，帮助家庭申请应享受的资助",
        "Explain the student-aid policy and help the family apply for the aid it is entitled to",
      ),
      t("关注家庭困难给孩子带来的心理压力", "Watch for the strain the hardship puts on the child"),
    ],
    talkingPoints: [
      shared.aidPolicy,
      t(
        "询问孩子在学习用品、营养、上学交通等方面有无困难",
        "Ask whether the child lacks school supplies, food or transport to school",
      ),
      t(
        "肯定家庭的努力，鼓励孩子自立自强",
        "Recognise the family's efforts and encourage the child to be self-reliant",
      ),
    ],
    prepare: [
      shared.aidLeaflet,
      t("学校和社会可提供的帮扶资源信息", "What support the school and the community offer"),
    ],
    cautions: [
      shared.noNeighbours,
      t("资助申请材料只用于资助认定，妥善保管", "Aid application papers serve the aid assessment only; keep them safe"),
    ],
    tasks: ["learn_family_situation", "explain_school_policy", "support_priority_student"],
    outreachGoals: ["care", "policy", "support"],
    rank: 300,
    enabled: true,
  },
  left_behind_or_single_parent: {
    label: priorityCategoryLabels.left_behind_or_single_parent,
    why: t("留守儿童或单亲家庭（自 {since} 起）", "Left-behind child or single-parent family (since {since})"),
    goals: [
      t(
        "了解孩子的实际监护人、监护情况和亲子沟通情况",
        "Learn who actually looks after the child, how well, and how the child and parents keep in touch",
      ),
      t(
        "帮助在外务工的父母或单亲家长与孩子保持沟通",
        "Help parents working away, or a single parent, keep in touch with the child",
      ),
    ],
    talkingPoints: [
      shared.safetyTalk,
      t(
        "建议父母定期与孩子通话或视频，多关心孩子的情绪，而不只是成绩",
        "Suggest the parents call or video-chat regularly, and ask about feelings, not only marks",
      ),
      shared.mentorContact,
    ],
    prepare: [
      t("访前确认在外务工父母的联系方式", "Confirm the contact details of the parents working away before the visit"),
    ],
    cautions: [
      t(
        "不在孩子面前议论父母离异或家庭矛盾",
        "Don't talk about the parents' divorce or family conflicts in front of the child",
      ),
      shared.noNeighbours,
    ],
    tasks: ["learn_family_situation", "guide_healthy_growth", "support_priority_student"],
    outreachGoals: ["care", "guidance", "support"],
    rank: 350,
    enabled: true,
  },
  parents_away: {
    label: t("父母外出务工", "Parents working away"),
    why: t(
      "父母外出务工，孩子由其他家人照看或只与一方父母生活",
      "The parents work away from home; the child lives with one parent or other relatives",
    ),
    goals: [
      t(
        "了解孩子的生活照料、学习督促和安全监护由谁负责",
        "Learn who sees to the child's daily care, homework and safety",
      ),
    ],
    talkingPoints: [
      t(
        "请父母与孩子保持经常联系，关心孩子的情绪和学习",
        "Ask the parents to keep in regular touch with the child and ask about feelings and school",
      ),
      shared.mentorContact,
    ],
    prepare: [
      t(
        "尽量安排在春节、农忙等父母返乡期间家访；父母不在家时，可约定视频与父母交流",
        "Where possible visit when the parents are home, around the Spring Festival or in the busy farming seasons; otherwise agree a video call with them",
      ),
    ],
    cautions: [t("不在孩子面前抱怨父母不管孩子", "Don't complain in front of the child that the parents neglect them")],
    tasks: ["learn_family_situation", "guide_healthy_growth"],
    outreachGoals: ["care", "guidance"],
    rank: 360,
    enabled: true,
  },
  lives_with_grandparents: {
    label: t("与祖辈共同生活", "Lives with grandparents"),
    why: t("孩子与祖辈或其他亲属共同生活", "The child lives with grandparents or other relatives"),
    goals: [
      t(
        "了解祖辈监护人的身体状况和照顾孩子的能力",
        "Learn the grandparents' health and how well they can look after the child",
      ),
    ],
    talkingPoints: [
      t(
        "指导祖辈关注孩子的心理和学习习惯，不只照顾吃穿",
        "Guide the grandparents to care for the child's feelings and study habits, not only food and clothes",
      ),
      t(
        "用通俗易懂的话（必要时用方言）说明孩子在校情况和学校要求",
        "Explain how the child does at school and what the school asks in plain words (in dialect if needed)",
      ),
      shared.safetyTalk,
    ],
    prepare: [
      t(
        "一页简要书面说明：孩子在校情况和学校联系方式，便于祖辈转告父母",
        "A one-page note of how the child does and how to reach the school, for the grandparents to pass on to the parents",
      ),
    ],
    cautions: [
      t("尊重老人，不当面批评隔代教养方式", "Respect the grandparents; don't criticise their way of raising the child"),
    ],
    tasks: ["learn_family_situation", "report_school_performance", "guide_healthy_growth"],
    outreachGoals: ["care", "guidance"],
    rank: 370,
    enabled: true,
  },
  learning_difficulty: {
    label: priorityCategoryLabels.learning_difficulty,
    why: t("学习困难（自 {since} 起）", "Learning difficulties (since {since})"),
    goals: [
      t(
        "了解学习困难的表现和原因：基础、习惯、方法、注意力或家庭学习环境",
        "Learn how the difficulties show and why: gaps, habits, methods, attention or the study setting at home",
      ),
      t("与家长商定学习辅导计划", "Agree a learning-support plan with the parents"),
    ],
    talkingPoints: [
      t(
        "具体说明孩子各科的学习情况和已经取得的进步",
        "Say concretely how the child does in each subject and what progress they have made",
      ),
      t(
        "指导家长帮助孩子养成良好的学习习惯，合理安排作息和作业时间",
        "Guide the parents to help the child build good study habits and a sensible routine for homework",
      ),
      t(
        "介绍学校的学习辅导安排（不得以家访名义进行有偿家教）",
        "Explain the school's learning support (never paid tutoring in the name of the visit)",
      ),
    ],
    prepare: [
      t("近期作业、测验和各科老师的反馈", "Recent homework, tests and feedback from subject teachers"),
      t("有针对性的学习建议", "Specific advice on how to study"),
    ],
    cautions: [shared.noLabel],
    tasks: ["learn_family_situation", "report_school_performance", "guide_healthy_growth", "support_priority_student"],
    outreachGoals: ["guidance", "support"],
    rank: 400,
    enabled: true,
  },
  migrant_worker_child: {
    label: priorityCategoryLabels.migrant_worker_child,
    why: t("进城务工人员随迁子女（自 {since} 起）", "Child of migrant workers (since {since})"),
    goals: [
      t(
        "了解随迁家庭的居住条件和孩子适应城市学习生活的情况",
        "Learn the family's housing and how the child is adapting to school and life in the city",
      ),
      t(
        "介绍随迁子女入学、学籍和升学相关政策",
        "Explain the policies on migrant children's admission, school records and progression",
      ),
    ],
    talkingPoints: [
      t(
        "说明随迁子女升学考试的政策和需要提前准备的材料",
        "Explain the rules for migrant children's entrance exams and the papers to prepare in advance",
      ),
      t(
        "了解家长的工作时间，商定合适的家校沟通方式和时间",
        "Learn the parents' working hours and agree how and when to keep in touch",
      ),
      t("鼓励孩子参加校园活动，融入班集体", "Encourage the child to join school activities and the class community"),
    ],
    prepare: [
      t("随迁子女就学和升学政策资料", "Material on migrant children's schooling and progression"),
      t(
        "按家长的工作作息预约时间，如晚上或休息日",
        "Book a time that fits the parents' working hours, such as an evening or a day off",
      ),
    ],
    cautions: [
      t(
        "不询问与教育无关的户籍、收入和务工细节",
        "Don't ask about residence registration, income or work beyond what education needs",
      ),
    ],
    tasks: ["learn_family_situation", "explain_school_policy", "support_priority_student"],
    outreachGoals: ["care", "policy"],
    rank: 450,
    enabled: true,
  },
  category_no_longer_applies: {
    label: t("类别已不再适用", "Category no longer applies"),
    why: t(
      "上次家访（{date}）时的类别已不再适用：{categories}",
      "Categories that applied at the last visit ({date}) no longer do: {categories}",
    ),
    goals: [t("了解情况好转的原因，巩固帮扶成果", "Learn what improved, and make the progress last")],
    talkingPoints: [
      t(
        "肯定家庭和孩子的努力，询问是否仍需要学校的帮助",
        "Recognise the family's and the child's efforts, and ask whether they still need the school's help",
      ),
    ],
    prepare: [],
    cautions: [],
    tasks: ["learn_family_situation", "collect_feedback"],
    outreachGoals: ["care"],
    rank: 600,
    enabled: true,
  },
  under_14: {
    label: t("未满 14 周岁", "Under 14"),
    why: t("学生未满 14 周岁（{age} 岁）", "The student is under 14 ({age})"),
    goals: [],
    talkingPoints: [
      t(
        "向家长宣传儿童安全和卫生知识：防溺水、交通安全、网络安全",
        "Share child safety and hygiene knowledge with the parents: drowning, road safety, online safety",
      ),
    ],
    prepare: [
      t(
        "如需记录类别等敏感信息，确认已有监护人的同意",
        "If sensitive details such as categories will be recorded, check that a guardian's consent is on record",
      ),
    ],
    cautions: [
      t(
        "未满 14 周岁儿童的个人信息均属敏感个人信息：拍照和记录须征得监护人同意，只记录必要的信息",
        "Everything about a child under 14 is sensitive personal information: photos and notes need a guardian's consent; record only what is needed",
      ),
      t("家访时须有监护人在场", "A guardian should be present during the visit"),
    ],
    tasks: ["guide_healthy_growth"],
    outreachGoals: ["guidance"],
    rank: 800,
    enabled: true,
  },
  every_visit: {
    label: t("每次家访", "Every visit"),
    why: t("每次家访的基本任务", "What every visit does"),
    goals: [
      t(
        "了解学生的家庭情况、成长环境、在家表现和学习生活习惯",
        "Learn the family situation, the home environment, behaviour at home and study and living habits",
      ),
      t(
        "向家长反馈学生在校的思想、学习和综合表现",
        "Tell the parents how the student thinks, learns and does at school",
      ),
      t(
        "介绍学校的办学理念、办学特色和教育政策，解答家长关心的热点难点问题",
        "Explain the school's philosophy, features and education policy, and answer the parents' concerns",
      ),
      t("征求家长对学校工作的意见和建议", "Collect the parents' opinions and suggestions on the school's work"),
    ],
    talkingPoints: [
      t(
        "先肯定孩子的优点和进步，再共同商量需要改进的地方",
        "Start with the child's strengths and progress, then agree together what to improve",
      ),
      t(
        "宣传心理、生理、安全和卫生方面的健康成长知识，指导家长科学育儿",
        "Share healthy-growth knowledge (psychology, physiology, safety, hygiene) and guide the parents toward sound parenting",
      ),
      t(
        "与家长共同探讨促进孩子健康成长的方法与途径",
        "Explore with the parents ways to help the child grow up healthy",
      ),
    ],
    prepare: [
      t(
        "提前电话与家长预约时间；家长不便入户时，约定合适的场所面谈",
        "Agree the time with the parents by phone first; if a home visit is inconvenient for them, agree a suitable place to meet",
      ),
      t(
        "出发前向学校报告家访对象、地点和所需时间；家访期间保持通讯畅通，结束后及时告知学校",
        "Before leaving, tell the school whom you visit, where and for how long; stay reachable, and report back when the visit is over",
      ),
      t(
        "学生近期在校表现：作业、成绩、课堂和同伴交往情况",
        "The student's recent school record: homework, marks, behaviour in class and with classmates",
      ),
      t(
        "携带《家访工作手册》，访后及时记好“生情日记”",
        "Bring the home-visit handbook, and write the diary entry soon after the visit",
      ),
    ],
    cautions: [
      t(
        "严守“六个不得”：不收钱物，不接受吃请和报销开支，不要求家长安排车辆接送，不提私人要求，不参与娱乐消费，不以家访名义有偿家教",
        "Keep the six prohibitions: no money or gifts, no meals or reimbursed expenses, no transport from the family, no private requests, no entertainment the family organises, no paid tutoring in the name of the visit",
      ),
      t("严禁搭乘“三无车辆”（无牌照、无驾照、无保险）", "Never ride an unlicensed, unplated or uninsured vehicle"),
      t("注意保护学生及家庭隐私", "Protect the privacy of the student and the family"),
    ],
    tasks: [
      "learn_family_situation",
      "report_school_performance",
      "explain_school_policy",
      "guide_healthy_growth",
      "collect_feedback",
    ],
    outreachGoals: ["care", "policy", "guidance"],
    rank: 900,
    enabled: true,
  },
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
