// The shared mount case (examples/shared/src/mount-case.ts) against this host's example server.
import { describeMount } from "@homevisit-examples/shared/mount-case";
import { start } from "../src/server.js";

describeMount("koa", start);
