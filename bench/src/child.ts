// Child processes of the benchmarks: a TypeScript entry started under tsx, and the one JSON
// line it prints when ready or done. The REST and soak families both run servers this way.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Starts `file` (a path from the repository root) under tsx with the root tsconfig's workspace
 * paths, its stdio piped; `nodeFlags` go to Node before the entry (heap settings).
 */
export function spawnTs(file: string, args: readonly string[], nodeFlags: readonly string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, "--import", "tsx", join(root, file), ...args], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, "tsconfig.json") },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/**
 * Resolves with the JSON after `prefix` on the child's stdout; rejects when the child exits
 * first or the time runs out, with the tail of its stderr.
 */
export function lineOf<T>(child: ChildProcess, prefix: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => fail(new Error(`no ${prefix} line within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}${err ? `\n${err.slice(-3000)}` : ""}`));
    };
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.startsWith(`${prefix} `));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(prefix.length + 1)) as T);
      }
    });
    child.once("exit", (code, signal) => fail(new Error(`child exited (${code ?? signal}) before ${prefix}`)));
    child.once("error", (error) => fail(error));
  });
}

/** Ends a child: close its stdin (it exits by itself), then SIGTERM, then SIGKILL. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdin?.end();
  const wait = (ms: number) =>
    Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);
  if (await wait(5_000)) return;
  child.kill("SIGTERM");
  if (await wait(5_000)) return;
  child.kill("SIGKILL");
  await exited;
}
