import { defineErrors } from "./define.js";

/**
 * Errors of `organisation.sync`: rows outside the actor's reach, missing or changed parents,
 * duplicates. Params carry entity words and organisation ids (cities, counties, schools and
 * classes are not personal data), never a value about a child.
 */
export const organisationSyncErrors = defineErrors({
  organisation_out_of_scope: {
    status: 403,
    message: {
      "zh-CN": "无权同步此{entity}：超出本账号管辖范围",
      en: "This {entity} is outside what your account may sync",
    },
  },
  organisation_parent_missing: {
    status: 422,
    message: {
      "zh-CN": "{entity}的上级{parent}不存在，请先同步上级",
      en: "The {parent} this {entity} belongs to does not exist: sync it first",
    },
  },
  organisation_parent_change: {
    status: 422,
    message: {
      "zh-CN": "{entity}不能改到另一个{parent}下；请新建后迁移",
      en: "A {entity} cannot move to another {parent}; create a new one instead",
    },
  },
  organisation_duplicate_id: {
    status: 422,
    message: { "zh-CN": "同步数据中编号重复", en: "The sync lists an id twice" },
  },
});
