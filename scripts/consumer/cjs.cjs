// The packages as a CommonJS host loads them (`require`, Node's `require` condition): many
// campus platforms are CommonJS Express apps.
const { run } = require("./scenario.cjs");

async function main() {
  const { coreSubpaths } = await import("./subpaths.mjs");
  const coreEntries = {};
  for (const sub of coreSubpaths()) coreEntries[sub] = require(`@homevisit/core${sub.slice(1)}`);
  await run("CommonJS", {
    core: require("@homevisit/core"),
    coreEntries,
    memory: require("@homevisit/storage-memory"),
    rest: require("@homevisit/rest"),
    client: require("@homevisit/client"),
    sqlite: require("@homevisit/storage-sqlite"),
    demo: require("@homevisit/demo-data"),
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
