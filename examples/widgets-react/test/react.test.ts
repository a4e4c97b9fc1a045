import { frameworkHostCase } from "@homevisit-examples/shared/widgets-test";
import { startReactHost } from "../src/server.js";

frameworkHostCase("React 19", () => startReactHost());
