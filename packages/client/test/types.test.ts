// Type-level tests: the client's methods are typed from core's schemas, with no hand-written
// types. `tsc -p tsconfig.json` checks these; vitest runs them as ordinary (trivial) tests.
import type { CallOptions, ClientInput, HomevisitClient } from "@homevisit/client";
import { createClient } from "@homevisit/client";
import type { CategoryFlag, engineAreas, PriorityCategory, StudentSummaryOutput } from "@homevisit/core";
import { describe, expectTypeOf, it } from "vitest";

type Client = HomevisitClient<typeof engineAreas>;

describe("types", () => {
  it("derives inputs and outputs from the use case schemas", () => {
    const client = createClient({ baseUrl: "http://campus.test/api", fetch: async () => new Response("{}") });
    expectTypeOf(client).toEqualTypeOf<Client>();
    type List = Awaited<ReturnType<Client["students"]["list"]>>;
    expectTypeOf<List["items"][number]>().toEqualTypeOf<StudentSummaryOutput>();
    type Flag = Awaited<ReturnType<Client["students"]["flagCategory"]>>;
    expectTypeOf<Flag["flag"]>().toEqualTypeOf<CategoryFlag>();
    expectTypeOf<Flag["version"]>().toEqualTypeOf<number>();
    expectTypeOf<Parameters<Client["students"]["flagCategory"]>[0]["category"]>().toEqualTypeOf<PriorityCategory>();
    expectTypeOf<Parameters<Client["students"]["flagCategory"]>[1]>().toEqualTypeOf<CallOptions | undefined>();
  });

  it("makes expectedVersion optional (If-Match) and the input optional when nothing is required", () => {
    type Unflag = ClientInput<(typeof engineAreas)["students"]["unflagCategory"]>;
    expectTypeOf<Unflag["expectedVersion"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Client["students"]["list"]>()
      .parameter(0)
      .toEqualTypeOf<ClientInput<(typeof engineAreas)["students"]["list"]> | undefined>();
    // Compile-time only: never called.
    const _refused = (client: Client) => {
      // @ts-expect-error an unknown area is a compile error
      void client.nonsense;
      // @ts-expect-error the input must match the schema
      void (client.students.flagCategory({ studentId: "s", category: "rich", evidence: "x" }) as unknown);
      // @ts-expect-error a required field is required
      void (client.students.read({}) as unknown);
    };
    expectTypeOf(_refused).toBeFunction();
  });
});
