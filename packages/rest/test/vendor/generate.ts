// Writes generated/homevisit-api.ts: the types openapi-typescript makes from the OpenAPI
// document, as a vendor would (`npx openapi-typescript https://…/openapi.json -o …`). Run after
// changing a contract: `pnpm generate:openapi-types` (the contract test fails while it is stale).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generateTypes } from "./contract.js";
import { basePath, makeVendorWorld, origin } from "./world.js";

const { handler } = makeVendorWorld();
const doc = await (await handler(new Request(`${origin}${basePath}/openapi.json`))).json();
const target = fileURLToPath(new URL("./generated/homevisit-api.ts", import.meta.url));
writeFileSync(target, await generateTypes(doc));
console.log(`wrote ${target}`);
