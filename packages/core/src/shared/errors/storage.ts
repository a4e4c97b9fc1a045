import { defineErrors } from "./define.js";

/**
 * Errors of the storage port. Adapters translate their driver's failures into these (or into
 * the common `not_found`, `conflict`, `version_conflict`), so nothing driver-specific reaches
 * a caller. Params carry versions, sizes and entity names only.
 */
export const storageErrors = defineErrors({
  storage_schema_too_new: {
    status: 500,
    message: {
      "zh-CN": "数据库结构版本为 {found}，高于本程序支持的 {supported}；请升级 homevisit 后再运行",
      en: "The database schema is at version {found}, newer than the {supported} this library supports; upgrade homevisit",
    },
  },
  storage_schema_outdated: {
    status: 500,
    message: {
      "zh-CN": "数据库结构版本为 {found}，需要先执行迁移到 {supported}",
      en: "The database schema is at version {found}; run the migrations up to {supported} first",
    },
  },
  storage_busy: {
    status: 503,
    message: {
      "zh-CN": "数据库繁忙，请稍后重试",
      en: "The database is busy; try again shortly",
    },
  },
  storage_unavailable: {
    status: 503,
    message: { "zh-CN": "无法连接数据库，请稍后重试", en: "The database cannot be reached; try again shortly" },
  },
  storage_invalid_cursor: {
    status: 400,
    message: { "zh-CN": "分页游标无效", en: "The page cursor is not valid" },
  },
  storage_page_size: {
    status: 422,
    message: {
      "zh-CN": "每页条数须在 1 到 {max} 之间",
      en: "The page size must be between 1 and {max}",
    },
  },
  storage_unknown_filter: {
    status: 422,
    message: {
      "zh-CN": "{entity} 不支持按“{field}”筛选",
      en: 'The {entity} list cannot be filtered by "{field}"',
    },
  },
  storage_tenant_change: {
    status: 422,
    message: {
      "zh-CN": "不能通过修改把记录移到另一个租户（{field}）",
      en: "An update cannot move a record to another tenant ({field})",
    },
  },
  storage_closed: {
    status: 500,
    message: { "zh-CN": "存储已关闭", en: "The storage was closed" },
  },
  storage_full: {
    status: 507,
    message: {
      "zh-CN": "存储空间已满，本次修改未保存；请联系管理员释放空间后重试",
      en: "The storage is full and this change was not saved; ask the administrator to free space, then try again",
    },
  },
  storage_constraint: {
    status: 409,
    message: {
      "zh-CN": "数据库拒绝了这次修改（约束冲突），未保存任何内容",
      en: "The database refused this change (a constraint failed); nothing was saved",
    },
  },
  storage_read_only: {
    status: 503,
    message: {
      "zh-CN": "数据库当前只读，暂时无法保存修改",
      en: "The database is read-only at the moment; changes cannot be saved",
    },
  },
  storage_corrupt: {
    status: 500,
    message: {
      "zh-CN": "数据库文件已损坏；请联系管理员从备份恢复",
      en: "The database file is damaged; ask the administrator to restore it from a backup",
    },
  },
  storage_failure: {
    status: 500,
    message: {
      "zh-CN": "数据库出错，本次操作未完成",
      en: "The database failed and the operation did not complete",
    },
  },
  roster_wrong_school: {
    status: 422,
    message: {
      "zh-CN": "名册中的记录不属于所导入的学校",
      en: "A roster row belongs to another school than the one imported",
    },
  },
  roster_duplicate_id: {
    status: 422,
    message: { "zh-CN": "名册中编号重复", en: "The roster lists an id twice" },
  },
  roster_id_namespace: {
    status: 422,
    message: {
      "zh-CN": "新记录的编号须以本校编号加连字符开头",
      en: "A new record's id must start with the school's id and a hyphen",
    },
  },
});
