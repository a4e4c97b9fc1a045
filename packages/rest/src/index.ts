/**
 * `@homevisit/rest`: every homevisit engine use case as an HTTP route behind one fetch handler,
 * `(request: Request) => Promise<Response>`, with the OpenAPI 3.1 document generated from the
 * same zod schemas. The host's `getActor(request)` is the only source of identity.
 *
 * @packageDocumentation
 */
export * from "./body.js";
export * from "./conditional.js";
export * from "./cors.js";
export * from "./export-files.js";
export * from "./export-route.js";
export * from "./handler.js";
export * from "./input.js";
export * from "./negotiate.js";
export * from "./openapi.js";
export * from "./operation-text.js";
export * from "./problem.js";
export * from "./routes.js";
