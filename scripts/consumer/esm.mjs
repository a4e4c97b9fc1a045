// The packages as an ESM host loads them (`import`, Node's `import` condition).
import * as client from "@homevisit/client";
import * as core from "@homevisit/core";
import * as demo from "@homevisit/demo-data";
import * as rest from "@homevisit/rest";
import * as memory from "@homevisit/storage-memory";
import * as sqlite from "@homevisit/storage-sqlite";
import scenario from "./scenario.cjs";
import { coreSubpaths } from "./subpaths.mjs";

const coreEntries = {};
for (const sub of coreSubpaths()) coreEntries[sub] = await import(`@homevisit/core${sub.slice(1)}`);
// storage-conformance imports vitest at its top: loading it here proves the import resolves.
const conformance = await import("@homevisit/storage-conformance");
await scenario.run("ESM", { core, coreEntries, memory, rest, client, sqlite, demo, conformance });
