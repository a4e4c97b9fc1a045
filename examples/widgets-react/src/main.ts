// `pnpm --filter homevisit-example-widgets-react start`: the React page on a free port.
import { startReactHost } from "./server.js";

const host = await startReactHost({ port: Number(process.env.PORT ?? 0) });
console.log(
  `homevisit widgets in React: ${host.url}?view=visits|record|coverage (cookie hv_persona=teacher|class_teacher|principal|county_bureau)`,
);
