// The REST handler on a real loopback HTTP server, mounted the way Node hosts mount it
// (`getRequestListener` without replacing Node's globals), for tests over real HTTP.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";

export interface Served {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close: () => Promise<void>;
}

/** Serves a fetch handler on 127.0.0.1 at a free port. */
export function serve(handler: (request: Request) => Promise<Response>): Promise<Served> {
  const server = createServer(getRequestListener(handler, { overrideGlobalObjects: false }));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
      });
    });
  });
}
