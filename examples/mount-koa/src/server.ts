import { createServer } from "node:http";
import { basePath, homevisitHandler, listen } from "@homevisit-examples/shared";
import { getRequestListener } from "@hono/node-server";
import Koa from "koa";

/** A Koa 3 app: requests under /api/homevisit go to homevisit, the rest to the host's middleware. */
export async function start() {
  const app = new Koa();
  const homevisit = getRequestListener(await homevisitHandler(), { overrideGlobalObjects: false });
  app.use(async (ctx, next) => {
    if (ctx.path !== basePath && !ctx.path.startsWith(`${basePath}/`)) return next();
    // Koa must not write a response of its own: homevisit answers on the raw objects.
    ctx.respond = false;
    await homevisit(ctx.req, ctx.res);
  });
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  return listen(createServer(app.callback()));
}
