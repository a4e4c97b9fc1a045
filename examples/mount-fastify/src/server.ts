import type { AddressInfo } from "node:net";
import { basePath, homevisitHandler } from "@homevisit-examples/shared";
import { getRequestListener } from "@hono/node-server";
import Fastify from "fastify";

/** A Fastify 5 app: homevisit gets the raw request and response under /api/homevisit. */
export async function start() {
  const app = Fastify();
  const homevisit = getRequestListener(await homevisitHandler(), { overrideGlobalObjects: false });
  await app.register((scope, _options, done) => {
    // Leave every body unparsed here: homevisit reads (and limits) the raw stream itself.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, _payload, done) => done(null));
    scope.all(`${basePath}/*`, async (request, reply) => {
      reply.hijack();
      await homevisit(request.raw, reply.raw);
    });
    done();
  });
  app.get("/health", async () => ({ ok: true }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
