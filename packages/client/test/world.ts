// The client tests' world is the REST tests' world (two schools, the real engine on the
// in-memory adapter, the REST handler), seen through the first school's staff and called in
// process (`fetch: (req) => handler(req)`).
//
// `getActor` stands for the HOST's login (an opaque bearer token the host issued): homevisit
// itself never reads identity from a request.
import { type Actor, engineAreas } from "@homevisit/core";
import { basePath, origin, actors as restActors, makeWorld as restWorld } from "../../rest/test/world.js";

export { basePath, origin };
export const baseUrl = `${origin}${basePath}`;

/** The use cases the client is typed from: the engine's areas, passed explicitly. */
export const useCases = engineAreas;

export const actors = {
  principal: restActors.principal1,
  classTeacher: restActors.classTeacher1,
  teacher: restActors.teacher1,
  county: restActors.county1,
} satisfies Record<string, Actor>;
export type ActorName = keyof typeof actors;

export interface World {
  handler: (request: Request) => Promise<Response>;
  /** The first school's students: stu-1-1, stu-1-2, stu-1-3. */
  studentIds: string[];
  /** Every request the handler saw, in order. */
  seen: Request[];
}

/** Builds the world. */
export async function makeWorld(): Promise<World> {
  const rest = await restWorld({
    getActor: (request) => {
      const auth = request.headers.get("authorization");
      const name = auth?.startsWith("Bearer tok-") ? (auth.slice(11) as ActorName) : undefined;
      return name !== undefined && Object.hasOwn(actors, name) ? actors[name] : null;
    },
  });
  const seen: Request[] = [];
  const handler = (request: Request) => {
    seen.push(request.clone());
    return rest.handler(request);
  };
  return { handler, studentIds: rest.ids.school1Students, seen };
}
