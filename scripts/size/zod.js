// Context for the budgets: all of zod, as a host that writes its own schemas with `import * as z` pays it.
import * as z from "zod";

console.log(z);
