// Conditional GETs with the client's opt-in cache, over real HTTP on loopback: the REST handler
// mounted with @hono/node-server as Node hosts mount it, the client on the platform's fetch.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, createResponseCache, responseMeta, versionOf } from "@homevisit/client";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basePath, makeWorld, useCases, type World } from "./world.js";

let w: World;
let url: string;
let close: () => Promise<void>;
beforeAll(async () => {
  w = await makeWorld();
  const server = createServer(getRequestListener(w.handler, { overrideGlobalObjects: false }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});
afterAll(() => close());

/** A client over HTTP that records what went out and what came back. */
function httpClient(cache: boolean | { maxEntries: number }) {
  const exchanges: { ifNoneMatch: string | null; status: number }[] = [];
  const client = createClient({
    baseUrl: `${url}${basePath}`,
    useCases,
    headers: { Authorization: "Bearer tok-classTeacher" },
    cache,
    fetch: async (request) => {
      const response = await fetch(request);
      exchanges.push({ ifNoneMatch: request.headers.get("if-none-match"), status: response.status });
      return response;
    },
  });
  return { client, exchanges };
}

const purpose = { purpose: "准备家访" };

describe("conditional GETs with the client's cache", () => {
  it("revalidates a held read: a 304 returns the held result, parsed afresh", async () => {
    const { client, exchanges } = httpClient(true);
    const first = await client.students.read({ studentId: "stu-1-1" }, purpose);
    const etag = responseMeta(first)?.etag;
    expect(etag).toMatch(/^"1\.[\w-]{22}"$/);
    first.student.name = "changed by the app";

    const second = await client.students.read({ studentId: "stu-1-1" }, purpose);
    expect(exchanges.map((e) => [e.ifNoneMatch, e.status])).toEqual([
      [null, 200],
      [etag, 304],
    ]);
    expect(second).not.toBe(first);
    expect(second.student.name).toBe("王同学1");
    expect(responseMeta(second)).toMatchObject({ status: 304, etag, version: 1 });
  });

  it("gets the new body when it changed, even at the same record version, and holds that", async () => {
    const { client, exchanges } = httpClient(true);
    const before = await client.students.read({ studentId: "stu-1-2" }, purpose);
    expect(before.categories).toEqual([]);
    await client.students.flagCategory({ studentId: "stu-1-2", category: "family_crisis", evidence: "父亲重病住院" });
    const after = await client.students.read({ studentId: "stu-1-2" }, purpose);
    expect(after.version).toBe(1);
    expect(after.categories.map((c) => c.category)).toEqual(["family_crisis"]);
    const again = await client.students.read({ studentId: "stu-1-2" }, purpose);
    expect(again.categories.map((c) => c.category)).toEqual(["family_crisis"]);
    expect(exchanges.map((e) => e.status)).toEqual([200, 201, 200, 304]);
  });

  it("is off by default, per call with cache: false, and forgets on $clearCache", async () => {
    const plain = httpClient(false);
    await plain.client.students.list({ limit: 2 });
    await plain.client.students.list({ limit: 2 });
    expect(plain.exchanges.map((e) => e.ifNoneMatch)).toEqual([null, null]);

    const { client, exchanges } = httpClient(true);
    const page = await client.students.list({ limit: 2 });
    await client.students.list({ limit: 2 }, { cache: false });
    const held = await client.students.list({ limit: 2 });
    expect(held.items).toEqual(page.items);
    expect(responseMeta(held)?.nextCursor).toBe(responseMeta(page)?.nextCursor);
    client.$clearCache();
    await client.students.list({ limit: 2 });
    expect(exchanges.map((e) => [e.ifNoneMatch !== null, e.status])).toEqual([
      [false, 200],
      [false, 200],
      [true, 304],
      [false, 200],
    ]);
  });

  it("holds at most maxEntries results, least recently used out", async () => {
    const { client, exchanges } = httpClient({ maxEntries: 1 });
    await client.students.read({ studentId: "stu-1-1" }, purpose);
    await client.students.read({ studentId: "stu-1-3" }, purpose);
    await client.students.read({ studentId: "stu-1-1" }, purpose); // evicted: no If-None-Match
    expect(exchanges.map((e) => e.status)).toEqual([200, 200, 200]);
    const cache = createResponseCache({ maxEntries: 2 });
    const held = (etag: string) => ({ etag, text: "{}", nextCursor: undefined });
    cache.set("a", held('"a"'));
    cache.set("b", held('"b"'));
    cache.get("a");
    cache.set("c", held('"c"'));
    expect([cache.get("a")?.etag, cache.get("b"), cache.get("c")?.etag, cache.size]).toEqual([
      '"a"',
      undefined,
      '"c"',
      2,
    ]);
    expect(() => createResponseCache({ maxEntries: 0 })).toThrow(TypeError);
  });

  it("uses a GET's tag for If-Match, and keeps JSON for the calendar feed", async () => {
    expect(versionOf('"3.q2VbX0aPZ2tq1mL8cN3wYg"')).toBe(3);
    expect(versionOf('"q2VbX0aPZ2tq1mL8cN3wYg"')).toBeUndefined();
    const { client } = httpClient(true);
    const drafted = await client.records.draft({
      studentId: "stu-1-3",
      record: { kind: "universal", term: "2026-2027-1", channel: "phone" },
    });
    const read = await client.records.get({ recordId: drafted.record.id }, purpose);
    const etag = responseMeta(read)?.etag ?? "";
    const updated = await client.records.update(
      { recordId: drafted.record.id, record: { kind: "universal", term: "2026-2027-1", channel: "in_home" } },
      { ifMatch: etag },
    );
    expect(updated.version).toBe(2);
    const feed = await client.appointments.ical();
    expect(feed.ics.startsWith("BEGIN:VCALENDAR")).toBe(true);
    expect(feed.count).toBe(0);
  });
});
