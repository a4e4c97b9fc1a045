import type { OpenApiDocument } from "@homevisit/rest";

/** A parameter as the tests read it. */
export interface Param {
  in: string;
  name: string;
  required?: boolean;
  schema?: { maximum?: number };
}

/** The parameters of an operation, shared ones (`$ref` to `components.parameters`) resolved. */
export function parametersOf(doc: OpenApiDocument, op: unknown): Param[] {
  const shared = (doc.components?.parameters ?? {}) as Record<string, Param>;
  const list = ((op as { parameters?: unknown[] } | undefined)?.parameters ?? []) as (Param & { $ref?: string })[];
  return list.map((p) => (p.$ref === undefined ? p : (shared[p.$ref.split("/").pop() ?? ""] as Param)));
}
