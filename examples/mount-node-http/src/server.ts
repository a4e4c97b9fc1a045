import { createServer } from "node:http";
import { homevisitHandler, listen } from "@homevisit-examples/shared";
import { getRequestListener } from "@hono/node-server";

/** A plain node:http server whose only job is homevisit; anything else would go beside it. */
export async function start() {
  const handler = await homevisitHandler();
  // overrideGlobalObjects: false keeps Node's own Request/Response globals untouched.
  const listener = getRequestListener(handler, { overrideGlobalObjects: false });
  return listen(createServer(listener));
}
