// `pnpm --filter homevisit-example-widgets-html start`: the example page on a free port.
import { startWidgetsHost } from "./server.js";

const host = await startWidgetsHost({ port: Number(process.env.PORT ?? 0) });
console.log(`homevisit widgets example: ${host.url} (cookie hv_persona=teacher|class_teacher|principal|county_bureau)`);
