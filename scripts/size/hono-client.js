// Context for the client budget: hono's typed client doing the same job (a proxy over a base URL;
// its route types are erased at build time, so nothing of the server's schemas ships).
import { hc } from "hono/client";

console.log(hc("/api/homevisit"));
