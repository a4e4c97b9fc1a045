// A child process for the crash-safety test: opens the database file given on the command
// line and imports rosters in a loop, each a single transaction, printing `ACK <round>` after
// each commit returns. The parent SIGKILLs it at a random moment.
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { crashRoster } from "./crash-roster.js";

const [file, firstRound] = process.argv.slice(2);
const storage = sqliteStorage({ filename: file ?? "", busyTimeoutMs: 2000 });
process.stdout.write("READY\n");
for (let round = Number(firstRound ?? 0); ; round++) {
  await storage.roster.upsert(crashRoster(round), { batchSize: 16 });
  process.stdout.write(`ACK ${round}\n`);
}
