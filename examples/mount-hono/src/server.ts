import { createServer } from "node:http";
import { basePath, homevisitHandler, listen } from "@homevisit-examples/shared";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";

/** A host's Hono app with homevisit under /api/homevisit; the handler sees the full URL. */
export async function createApp() {
  const handler = await homevisitHandler();
  const app = new Hono();
  app.get("/health", (c) => c.json({ ok: true }));
  app.all(`${basePath}/*`, (c) => handler(c.req.raw));
  return app;
}

/** Serves the app on node:http (on Deno, Bun or workers, export `app.fetch` instead). */
export async function start() {
  const app = await createApp();
  return listen(createServer(getRequestListener(app.fetch, { overrideGlobalObjects: false })));
}
