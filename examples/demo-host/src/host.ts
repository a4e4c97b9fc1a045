import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { type Clock, createEngine, type ParsedActor, parseActor } from "@homevisit/core";
import { createRestHandler, type RestEngine } from "@homevisit/rest";
import { sqliteStorage } from "@homevisit/storage-sqlite";
import { getRequestListener } from "@hono/node-server";
import { demoScript, indexPage } from "./pages.js";
import { referencePage, referenceScript } from "./reference.js";
import { type DemoWorld, type Persona, type PersonaKey, personaKeys, seedDemo } from "./seed.js";
import { bundleDemoWidgets } from "./widgets-bundle.js";

/** The cookie the demo's mock login keeps the chosen persona in. */
export const personaCookie = "homevisit_demo_persona";

/** Where the REST handler is mounted. */
export const apiBasePath = "/api";

/**
 * The persona a request's cookie names, or `undefined`. THIS IS THE DEMO'S OWN LOGIN MOCK: a
 * real host looks its session up here. homevisit itself never reads identity from a request;
 * it asks the host through `getActor`.
 *
 * @example
 * ```ts
 * personaOf(new Request("http://x/", { headers: { cookie: "homevisit_demo_persona=principal" } }), world)?.key; // "principal"
 * ```
 */
export function personaOf(request: Request, world: DemoWorld): Persona | undefined {
  const cookies = request.headers.get("cookie") ?? "";
  for (const part of cookies.split(";")) {
    const [name, value = ""] = part.trim().split("=");
    if (name === personaCookie) return world.personas.find((p) => p.key === decodeURIComponent(value));
  }
  return undefined;
}

const html = (body: string, status = 200, extra: Record<string, string> = {}) =>
  new Response(body, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      // Everything the pages need is served from here: no CDN, nothing from the internet.
      "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'",
      ...extra,
    },
  });

/**
 * The demo host as one fetch handler: `/` the role switcher, `POST /persona` the mock login,
 * `/demo.js` the page's script, `/reference` the API reference rendered from the OpenAPI
 * document, and the homevisit REST handler under `/api` (its OpenAPI 3.1 document at
 * `/api/openapi.json`).
 *
 * @example
 * ```ts
 * const app = createDemoApp(engine, world);
 * (await app(new Request("http://127.0.0.1/api/students"))).status; // 401: no persona chosen
 * ```
 */
export function createDemoApp(
  engine: RestEngine,
  world: DemoWorld,
  options: { widgetsScript?: string } = {},
): (request: Request) => Promise<Response> {
  // The personas' actors, checked once: the REST handler takes an actor `parseActor` made as it
  // is (a host that keeps its users' actors can do the same) and checks any other per request.
  const actors = new Map<string, ParsedActor>(world.personas.map((p) => [p.key, parseActor(p.actor)]));
  const rest = createRestHandler(engine, {
    basePath: apiBasePath,
    // The host's login: here the persona cookie of the role switcher.
    getActor: (request) => {
      const persona = personaOf(request, world);
      return persona === undefined ? null : (actors.get(persona.key) ?? null);
    },
    openapi: {
      title: "homevisit demo campus API",
      description: "家访 API of the demo campus host (synthetic data).",
      // The document says how this host logs callers in: the role switcher's cookie.
      securitySchemes: {
        demoPersona: {
          type: "apiKey",
          in: "cookie",
          name: personaCookie,
          description: "The persona chosen on the demo's role switcher (POST /persona sets it)",
        },
      },
    },
  });
  let reference: string | undefined;
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === apiBasePath || path.startsWith(`${apiBasePath}/`)) return rest(request);
    if (path === "/" && request.method === "GET") return html(indexPage(world, personaOf(request, world)));
    if (path === "/persona" && request.method === "POST") {
      const form = await request.formData().catch(() => undefined);
      const key = String(form?.get("persona") ?? url.searchParams.get("persona") ?? "");
      if (!(personaKeys as readonly string[]).includes(key)) return html("<p>Unknown persona</p>", 400);
      const cookie = `${personaCookie}=${encodeURIComponent(key as PersonaKey)}; Path=/; HttpOnly; SameSite=Lax`;
      return new Response(null, { status: 303, headers: { Location: "/", "Set-Cookie": cookie } });
    }
    if (path === "/demo.js" && request.method === "GET") {
      return new Response(demoScript, {
        headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" },
      });
    }
    if (path === "/widgets.js" && request.method === "GET" && options.widgetsScript !== undefined) {
      return new Response(options.widgetsScript, {
        headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" },
      });
    }
    if (path === "/reference.js" && request.method === "GET") {
      return new Response(referenceScript, {
        headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" },
      });
    }
    if (path === "/reference" && request.method === "GET") {
      if (reference === undefined) {
        const doc = await rest(new Request(new URL(`${apiBasePath}/openapi.json`, url)));
        reference = referencePage((await doc.json()) as Record<string, unknown>);
      }
      return html(reference);
    }
    return html("<p>Not found · <a href='/'>home</a></p>", 404);
  };
}

/** Options of {@link startDemoHost}. */
export interface DemoHostOptions {
  /** The SQLite file; created and seeded on first run, reused afterwards. */
  filename: string;
  /** The port; 0 for any free one. When busy, a free one is taken instead. Default 3000. */
  port?: number;
  /** Default 127.0.0.1: the demo is for this machine only. */
  hostname?: string;
  /** The seed of the synthetic school. Default 1. */
  seed?: number;
  /** About how many students. Default 360. */
  students?: number;
  /** The engine's clock. Default: the system clock. */
  clock?: Clock;
}

/** A running demo host. */
export interface DemoHost {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  readonly world: DemoWorld;
  /** Whether this start seeded the database (false on a re-run). */
  readonly seeded: boolean;
  /** Stops the server and closes the database. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, hostname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, hostname);
  });
}

/**
 * Starts the demo campus host: opens (or creates) the SQLite database, migrates it, seeds one
 * synthetic school from `@homevisit/demo-data` the first time, creates the engine and serves
 * {@link createDemoApp} over node:http through `@hono/node-server`, whose light `Request` and
 * `Response` replace the process's globals (its default: the demo host has the process to
 * itself).
 *
 * @example
 * ```ts
 * const host = await startDemoHost({ filename: ".homevisit/demo.db", port: 3000 });
 * host.url; // "http://127.0.0.1:3000/" (or another port when 3000 is busy)
 * await host.close();
 * ```
 */
export async function startDemoHost(options: DemoHostOptions): Promise<DemoHost> {
  const hostname = options.hostname ?? "127.0.0.1";
  if (options.filename !== ":memory:") mkdirSync(dirname(options.filename), { recursive: true });
  const storage = sqliteStorage({ filename: options.filename });
  try {
    await storage.migrations.migrate();
    const auditKey = process.env.HOMEVISIT_AUDIT_KEY ?? "homevisit-demo-audit-key-not-secret";
    const { world, seeded } = await seedDemo(storage, {
      auditKey,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.students === undefined ? {} : { students: options.students }),
    });
    const engine = createEngine({
      storage,
      blobs: storage.blobs,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      // A fixed key is fine for synthetic data; a real host keeps its key out of the database.
      config: { audit: { hmacKey: auditKey } },
    });
    const app = createDemoApp(engine, world, { widgetsScript: await bundleDemoWidgets() });
    // The demo host has the process to itself, so it keeps @hono/node-server's default: its
    // light Request/Response replace the globals, and a response built from a string is written
    // straight to the socket instead of being read back through a web stream (about a tenth of
    // the archive read's CPU in bench/rest). A host that shares its process with a framework
    // that needs Node's own classes (Next.js) passes `overrideGlobalObjects: false`, as the
    // mounting examples do.
    const server = createServer(getRequestListener(app, { overrideGlobalObjects: true }));
    let port: number;
    try {
      port = await listen(server, options.port ?? 3000, hostname);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
      port = await listen(server, 0, hostname);
    }
    return {
      url: `http://${hostname}:${port}/`,
      port,
      world,
      seeded,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
