import { frameworkHostCase } from "@homevisit-examples/shared/widgets-test";
import { startVueHost } from "../src/server.js";

frameworkHostCase("Vue 3", () => startVueHost());
