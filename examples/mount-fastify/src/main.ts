// Run with `pnpm start`: serves the demo on http://127.0.0.1:<port>/api/homevisit.
import { start } from "./server.js";

const { url } = await start();
console.log(`homevisit on ${url}/api/homevisit/openapi.json`);
