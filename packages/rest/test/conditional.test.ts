// Conditional GETs and the iCalendar feed, over real HTTP on loopback: the handler mounted with
// @hono/node-server as Node hosts mount it, called with the platform's fetch.
import {
  createOpenApiDocument,
  ifNoneMatchMatches,
  parseEntityTags,
  parseIfMatch,
  preferredMediaType,
  representationTagger,
} from "@homevisit/rest";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parametersOf } from "./doc.js";
import { type Served, serve } from "./http.js";
import { actors, basePath, makeWorld, type World } from "./world.js";

const purpose = { "Homevisit-Purpose": encodeURIComponent("准备家访") };
const auth = (who: string) => ({ Authorization: `Bearer tok-${who}` });
const getTag = /^"1\.[\w-]{22}"$/;

let w: World;
let server: Served;
beforeAll(async () => {
  w = await makeWorld();
  server = await serve(w.handler);
});
afterAll(async () => {
  await server.close();
});

function get(path: string, headers: Record<string, string>, method = "GET"): Promise<Response> {
  return fetch(`${server.url}${basePath}${path}`, { method, headers });
}

describe("conditional GETs over HTTP", () => {
  it("tags a read with its version and a digest, and answers 304 with no body to a matching If-None-Match", async () => {
    const headers = { ...auth("classTeacher1"), ...purpose };
    const first = await get("/students/stu-1-1", headers);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(getTag);
    await first.text();
    for (const condition of [etag, `W/${etag}`, `"nope", ${etag}`, "*", ` , ${etag} ,`]) {
      const again = await get("/students/stu-1-1", { ...headers, "If-None-Match": condition });
      expect(again.status, condition).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
      expect(again.headers.get("cache-control")).toBe("no-store");
      // @hono/node-server writes a text/plain Content-Type on any response without one; the
      // handler itself sends none (below).
      expect(again.headers.get("content-type")).not.toContain("json");
      expect(await again.text()).toBe("");
    }
    const inProcess = await w.handler(
      new Request(`http://campus.test${basePath}/students/stu-1-1`, { headers: { ...headers, "If-None-Match": etag } }),
    );
    expect(inProcess.status).toBe(304);
    expect([...inProcess.headers.keys()].sort()).toEqual(["cache-control", "etag", "vary"]);
    for (const condition of ['"1"', '"2.x"', "1", 'W/"1.abc', etag.slice(1, -1)]) {
      const fresh = await get("/students/stu-1-1", { ...headers, "If-None-Match": condition });
      expect(fresh.status, condition).toBe(200);
      expect(fresh.headers.get("etag")).toBe(etag);
      expect((await fresh.json()).student.id).toBe("stu-1-1");
    }
  });

  it("changes the tag when the body changes without the record's version: a category flag", async () => {
    const headers = { ...auth("classTeacher1"), ...purpose };
    const before = await get("/students/stu-1-2", headers);
    const etag = before.headers.get("etag") ?? "";
    expect((await before.json()).categories).toEqual([]);
    const flagged = await fetch(`${server.url}${basePath}/students/stu-1-2/categories`, {
      method: "POST",
      headers: { ...auth("classTeacher1"), "Content-Type": "application/json" },
      body: JSON.stringify({ category: "family_crisis", evidence: "父亲重病住院" }),
    });
    expect(flagged.status).toBe(201);
    const after = await get("/students/stu-1-2", { ...headers, "If-None-Match": etag });
    expect(after.status).toBe(200);
    const newTag = after.headers.get("etag") ?? "";
    expect(newTag).toMatch(getTag); // still version 1 of the student …
    expect(newTag).not.toBe(etag); // … but another body
    expect((await after.json()).categories.map((c: { category: string }) => c.category)).toEqual(["family_crisis"]);
  });

  it("runs the use case before answering 304: an archive read with a purpose is audited each time", async () => {
    const headers = { ...auth("principal1"), ...purpose };
    const archiveReads = async () => {
      const response = await get("/audit?entityId=stu-1-3&limit=1000", auth("principal1"));
      const { rows } = (await response.json()) as { rows: { action: string; purpose?: string }[] };
      return rows.filter((r) => r.action.includes("archive"));
    };
    const first = await get("/students/stu-1-3/archive", headers);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    await first.text();
    expect(await archiveReads()).toHaveLength(1);
    const second = await get("/students/stu-1-3/archive", {
      ...auth("principal1"),
      "Homevisit-Purpose": encodeURIComponent("学期总结"),
      "If-None-Match": etag,
    });
    expect(second.status).toBe(304);
    const audited = await archiveReads();
    expect(audited).toHaveLength(2);
    expect(audited[1]?.purpose).toBe("学期总结");
  });

  it("evaluates If-None-Match only after the read succeeded: no purpose is 422, another school is 404", async () => {
    const ok = await get("/students/stu-1-1", { ...auth("principal1"), ...purpose });
    const etag = ok.headers.get("etag") ?? "";
    await ok.text();
    const noPurpose = await get("/students/stu-1-1", { ...auth("principal1"), "If-None-Match": etag });
    expect(noPurpose.status).toBe(422);
    expect((await noPurpose.json()).code).toBe("purpose_required");
    // A 304 must not tell another school that the record exists, or that it is unchanged.
    for (const condition of [etag, "*"]) {
      const other = await get("/students/stu-1-1", { ...auth("principal2"), ...purpose, "If-None-Match": condition });
      expect(other.status).toBe(404);
      expect((await other.json()).code).toBe("not_found");
    }
  });

  it("answers HEAD alike, tags lists, and gives each representation its own tag", async () => {
    const headers = { ...auth("principal1") };
    const list = await get("/students?limit=2", headers);
    const etag = list.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    await list.text();
    const again = await get("/students?limit=2", { ...headers, "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(again.headers.get("link")).toBeNull();
    const head = await get("/students?limit=2", { ...headers, "If-None-Match": etag }, "HEAD");
    expect(head.status).toBe(304);
    const otherPage = await get("/students?limit=1", { ...headers, "If-None-Match": etag });
    expect(otherPage.status).toBe(200);
    await otherPage.text();
  });

  it("takes a GET's tag as If-Match for the next write, and writes answer the same tag form", async () => {
    const drafted = await fetch(`${server.url}${basePath}/students/stu-1-1/visit-records`, {
      method: "POST",
      headers: { ...auth("classTeacher1"), "Content-Type": "application/json" },
      body: JSON.stringify({ record: { kind: "universal", term: "2026-2027-1", channel: "phone" } }),
    });
    expect(drafted.status).toBe(201);
    expect(drafted.headers.get("etag")).toMatch(/^"1\.[\w-]{22}"$/);
    const { record } = (await drafted.json()) as { record: { id: string } };
    const read = await get(`/visit-records/${record.id}`, { ...auth("classTeacher1"), ...purpose });
    const etag = read.headers.get("etag") ?? "";
    expect(etag).toMatch(getTag);
    await read.text();
    const updated = await fetch(`${server.url}${basePath}/visit-records/${record.id}`, {
      method: "PUT",
      headers: { ...auth("classTeacher1"), "Content-Type": "application/json", "If-Match": etag },
      body: JSON.stringify({ record: { kind: "universal", term: "2026-2027-1", channel: "in_home" } }),
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get("etag")).toMatch(/^"2\.[\w-]{22}"$/);
    await updated.text();
    // The held tag is now stale for both kinds of precondition.
    const stale = await get(`/visit-records/${record.id}`, {
      ...auth("classTeacher1"),
      ...purpose,
      "If-None-Match": etag,
    });
    expect(stale.status).toBe(200);
    expect(stale.headers.get("etag")).toMatch(/^"2\.[\w-]{22}"$/);
    await stale.text();
  });
});

describe("the iCalendar feed over HTTP", () => {
  beforeAll(async () => {
    await w.storage.transaction(async (tx) => {
      await tx.appointments.create({
        id: "apt-1",
        schoolId: "sch-1",
        studentId: "stu-1-1",
        teacherId: "t-t1",
        kind: "universal",
        channel: { type: "in_home" },
        status: "confirmed",
        start: "2026-10-20T19:00:00+08:00",
        durationMinutes: 60,
      });
    });
  });

  it("answers text/calendar to a plain GET, as calendar apps subscribe, and ical.js reads it", async () => {
    for (const accept of [undefined, "*/*", "text/calendar", "text/calendar, application/json;q=0.5"]) {
      const response = await get("/appointments/calendar.ics", {
        ...auth("teacher1"),
        ...(accept === undefined ? {} : { Accept: accept }),
      });
      expect(response.status, accept).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("vary")).toContain("Accept");
      const text = await response.text();
      expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
      const calendar = new ICAL.Component(ICAL.parse(text));
      for (const zone of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
      const events = calendar.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
      expect(events.map((e) => e.uid)).toEqual(["apt-1@homevisit"]);
      expect(events[0]?.startDate.toJSDate().toISOString()).toBe("2026-10-20T11:00:00.000Z");
      // Private by default: the kind of visit, and nobody's name.
      expect(events[0]?.summary).toBe("普访");
      expect(text).not.toContain("王");
    }
  });

  it("keeps JSON for JSON clients, with its own tag", async () => {
    const ics = await get("/appointments/calendar.ics", auth("teacher1"));
    const icsTag = ics.headers.get("etag");
    await ics.text();
    const response = await get("/appointments/calendar.ics", {
      ...auth("teacher1"),
      Accept: "application/json, application/problem+json",
    });
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await response.json()) as { ics: string; count: number };
    expect(body.count).toBe(1);
    expect(body.ics).toContain("UID:apt-1@homevisit");
    expect(response.headers.get("etag")).not.toBe(icsTag);
  });

  it("serves a host's secret feed URL: the host hands getActor the request it built (as the guide shows)", async () => {
    const feedActors = new WeakMap<Request, unknown>();
    const host = await makeWorld({ getActor: (request) => feedActors.get(request) ?? null });
    await host.storage.transaction(async (tx) => {
      await tx.appointments.create({
        id: "apt-9",
        schoolId: "sch-1",
        studentId: "stu-1-2",
        teacherId: "t-t1",
        kind: "universal",
        channel: { type: "in_home" },
        status: "proposed",
        start: "2026-10-21T19:00:00+08:00",
        durationMinutes: 45,
      });
    });
    const feedRoute = async (incoming: Request): Promise<Response> => {
      const secret = /^\/feeds\/([\w-]+)\.ics$/.exec(new URL(incoming.url).pathname)?.[1];
      if (secret !== "s3cret-t1") return new Response(null, { status: 404 });
      const inm = incoming.headers.get("if-none-match");
      const request = new Request(new URL(`${basePath}/appointments/calendar.ics`, incoming.url), {
        headers: inm ? { "If-None-Match": inm } : {},
      });
      feedActors.set(request, actors.teacher1);
      return host.handler(request);
    };
    const feeds = await serve(feedRoute);
    try {
      const first = await fetch(`${feeds.url}/feeds/s3cret-t1.ics`);
      expect(first.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
      expect(await first.text()).toContain("UID:apt-9@homevisit");
      // The clock is fixed here, so the feed (DTSTAMP included) is byte-identical: 304.
      const again = await fetch(`${feeds.url}/feeds/s3cret-t1.ics`, {
        headers: { "If-None-Match": first.headers.get("etag") ?? "" },
      });
      expect(again.status).toBe(304);
      expect((await fetch(`${feeds.url}/feeds/guess.ics`)).status).toBe(404);
    } finally {
      await feeds.close();
    }
  });

  it("answers 401 to a calendar app without the host's login", async () => {
    const response = await get("/appointments/calendar.ics", { Accept: "text/calendar" });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
  });
});

describe("parsing and negotiation", () => {
  it("parses entity tag lists per RFC 9110", () => {
    expect(parseEntityTags('W/"3.abc", "4.def"')).toEqual([
      { weak: true, opaque: "3.abc" },
      { weak: false, opaque: "4.def" },
    ]);
    expect(parseEntityTags(' "a,b" ,, "c" ')).toEqual([
      { weak: false, opaque: "a,b" },
      { weak: false, opaque: "c" },
    ]);
    expect(parseEntityTags("*")).toBe("*");
    expect(parseEntityTags("")).toEqual([]);
    for (const bad of ["3", '"a" "b"', 'w/"a"', '"a', '"a b"', '*, "a"'])
      expect(parseEntityTags(bad), bad).toBeUndefined();
  });

  it("compares If-None-Match weakly", () => {
    expect(ifNoneMatchMatches('W/"1.x"', '"1.x"')).toBe(true);
    expect(ifNoneMatchMatches('"1.x"', 'W/"1.x"')).toBe(true);
    expect(ifNoneMatchMatches('"1.y", "1.x"', '"1.x"')).toBe(true);
    expect(ifNoneMatchMatches('"1.y"', '"1.x"')).toBe(false);
    expect(ifNoneMatchMatches("garbage", '"1.x"')).toBe(false);
    expect(ifNoneMatchMatches(null, '"1.x"')).toBe(false);
  });

  it("takes a GET's tag in If-Match as its version", () => {
    expect(parseIfMatch('"7.q2VbX0aPZ2tq1mL8cN3wYg"')).toBe(7);
    expect(parseIfMatch('W/"7.q2VbX0aPZ2tq1mL8cN3wYg"')).toBe(7);
    expect(() => parseIfMatch('"q2VbX0aPZ2tq1mL8cN3wYg"')).toThrow(
      expect.objectContaining({ code: "version_conflict" }),
    );
    expect(() => parseIfMatch('"7.a b"')).toThrow(expect.objectContaining({ code: "version_conflict" }));
  });

  it("tags equal bodies alike under one key and differently under another", async () => {
    const body = new TextEncoder().encode('{"a":1}');
    const shared = representationTagger("instances-share-this-secret");
    const sharedToo = representationTagger("instances-share-this-secret");
    expect(await shared(3, body)).toBe(await sharedToo(3, body));
    expect(await shared(3, body)).toMatch(/^"3\.[\w-]{22}"$/);
    expect(await shared(undefined, body)).toMatch(/^"[\w-]{22}"$/);
    expect(await representationTagger()(3, body)).not.toBe(await shared(3, body));
    expect(await shared(3, new TextEncoder().encode('{"a":2}'))).not.toBe(await shared(3, body));
  });

  it("tags with the HMAC-SHA-256 Web Crypto gives, so tags survive the switch to native hashing", async () => {
    const body = new TextEncoder().encode('{"student":{"name":"张三"},"version":4}');
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode("instances-share-this-secret"),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, body)).subarray(0, 16);
    const expected = btoa(String.fromCharCode(...mac))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    expect(await representationTagger("instances-share-this-secret")(4, body)).toBe(`"4.${expected}"`);
    expect(() => representationTagger("")).toThrow(TypeError);
  });

  it("negotiates the feed's media type by quality, then the server's order", () => {
    const offers = ["text/calendar", "application/json"] as const;
    expect(preferredMediaType(null, offers)).toBe("text/calendar");
    expect(preferredMediaType("*/*", offers)).toBe("text/calendar");
    expect(preferredMediaType("text/html", offers)).toBe("text/calendar");
    expect(preferredMediaType("application/json", offers)).toBe("application/json");
    expect(preferredMediaType("application/*", offers)).toBe("application/json");
    expect(preferredMediaType("text/calendar;q=0.5, application/json", offers)).toBe("application/json");
    expect(preferredMediaType("text/*;q=0.9, application/json;q=0.8", offers)).toBe("text/calendar");
    expect(preferredMediaType("text/calendar;q=0, */*", offers)).toBe("application/json");
  });
});

describe("the OpenAPI document", () => {
  it("describes If-None-Match and 304 on GETs and the text/calendar representation of the feed", () => {
    const doc = createOpenApiDocument(w.engine.useCases, { basePath });
    const feed = doc.paths?.["/appointments/calendar.ics"]?.get;
    const ok = feed?.responses?.["200"] as { content: Record<string, unknown>; headers: Record<string, unknown> };
    expect(Object.keys(ok.content)).toEqual(["text/calendar", "application/json"]);
    expect(ok.content["text/calendar"]).toEqual({ schema: expect.objectContaining({ type: "string" }) });
    expect(ok.headers).toHaveProperty("ETag");
    const read = doc.paths?.["/students/{studentId}"]?.get;
    expect(read?.responses?.["304"]).toMatchObject({ headers: { ETag: expect.anything() } });
    expect(read?.responses?.["304"]).not.toHaveProperty("content");
    const params = parametersOf(doc, read);
    expect(params.find((p) => p.name === "If-None-Match")).toMatchObject({ in: "header" });
    expect(params.find((p) => p.name === "If-None-Match")?.required).not.toBe(true);
    const write = doc.paths?.["/visit-records/{recordId}"]?.put;
    expect(write?.responses?.["304"]).toBeUndefined();
  });
});
