import * as z from "zod";
import { withLabel } from "../../shared/field-labels.js";

/** Input fields the areas' contracts share. Schemas only: contracts import nothing else. */

/** An optimistic-concurrency version, as every mutating call of the workflow areas takes it. */
export const expectedVersionSchema = z.int().min(1);

/** The page size of a list or paged read that names none. */
export const defaultPageLimit = 50;

/** The words messages name the page size by, on every list. */
export const pageSizeLabel = { "zh-CN": "每页条数", en: "Page size" } as const;

/** A cursor and page size, as the workflow lists take them (50 by default, at most 200). */
export const pageInput = {
  cursor: withLabel(z.string().max(500).optional(), { "zh-CN": "分页游标", en: "Page cursor" }),
  limit: withLabel(z.int().min(1).max(200).default(defaultPageLimit), pageSizeLabel),
};
