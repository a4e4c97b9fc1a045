// `npm start` on a fresh clone: the demo campus host on the embedded SQLite default, seeded once
// with a synthetic school, until Ctrl-C.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startDemoHost } from "./host.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const filename = resolve(process.env.HOMEVISIT_DEMO_DB ?? join(root, ".homevisit/demo.db"));
const port = process.env.PORT === undefined ? 3000 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

const host = await startDemoHost({ filename, port });
console.log(
  host.seeded
    ? `seeded ${host.world.schoolName} (${host.world.students} students) into ${filename}`
    : `using ${filename} (${host.world.schoolName})`,
);
console.log(`homevisit demo host: ${host.url}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  host.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
