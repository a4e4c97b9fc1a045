// app/api/homevisit/[...path]/route.ts in a Next.js (app router) project: every method under
// /api/homevisit goes to the homevisit fetch handler, which reads the full URL itself.
import { homevisitHandler } from "@homevisit-examples/shared";

// One engine per server process: build it once, lazily, and share it between requests.
let handler: Promise<(request: Request) => Promise<Response>> | undefined;
const handle = async (request: Request): Promise<Response> => {
  handler ??= homevisitHandler();
  return (await handler)(request);
};

// Personal data: never let Next.js cache or prerender these routes.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
