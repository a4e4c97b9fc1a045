import * as z from "zod";

/** Input fields the areas' contracts share. Schemas only: contracts import nothing else. */

/** An optimistic-concurrency version, as every mutating call of the workflow areas takes it. */
export const expectedVersionSchema = z.int().min(1);

/** The page size of a list or paged read that names none. */
export const defaultPageLimit = 50;

/** A cursor and page size, as the workflow lists take them (50 by default, at most 200). */
export const pageInput = {
  cursor: z.string().max(500).optional(),
  limit: z.int().min(1).max(200).default(defaultPageLimit),
};
