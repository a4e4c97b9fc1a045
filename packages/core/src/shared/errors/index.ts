export { type ErrorCode, errorCatalog } from "./catalog.js";
export { defineErrors, type ErrorDefinition } from "./define.js";
export { type EntityName, entityNames, entityNamesZh, isEntityName } from "./entity-names.js";
export {
  type ErrorIssue,
  type ErrorPath,
  HomevisitError,
  type HomevisitErrorJSON,
  type HomevisitErrorOptions,
  isHomevisitError,
} from "./homevisit-error.js";
export {
  addCatalogIssue,
  type CatalogIssueParams,
  type CatalogParams,
  issuesFromZod,
  type ParseResult,
  parseInput,
  safeParseInput,
} from "./parse.js";
