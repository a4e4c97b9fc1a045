import { createServer } from "node:http";
import { basePath, homevisitHandler, listen } from "@homevisit-examples/shared";
import { getRequestListener } from "@hono/node-server";
import express from "express";

/** An Express 5 app with homevisit mounted under /api/homevisit beside the host's own routes. */
export async function start() {
  const app = express();
  const homevisit = getRequestListener(await homevisitHandler(), { overrideGlobalObjects: false });
  // Mount BEFORE express.json(): a body parser would consume the stream homevisit reads.
  // app.use strips the mount path from req.url, so hand homevisit the original URL.
  app.use(basePath, (req, res) => {
    req.url = req.originalUrl;
    void homevisit(req, res);
  });
  app.use(express.json());
  app.get("/health", (_req, res) => {
    res.json({ ok: true });
  });
  return listen(createServer(app));
}
