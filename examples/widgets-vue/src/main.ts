// `pnpm --filter homevisit-example-widgets-vue start`: the Vue page on a free port.
import { startVueHost } from "./server.js";

const host = await startVueHost({ port: Number(process.env.PORT ?? 0) });
console.log(
  `homevisit widgets in Vue: ${host.url}?view=visits|record|coverage (cookie hv_persona=teacher|class_teacher|principal|county_bureau)`,
);
