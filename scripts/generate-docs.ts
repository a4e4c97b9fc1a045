// Writes the generated parts of the guides: the policy matrix table of docs/guides/authorization.md.
// Deterministic: run it after changing policyMatrix (a test fails until then).
import { readFileSync, writeFileSync } from "node:fs";
import { withPolicyMatrix } from "../packages/core/src/engine/policy/matrix-doc.js";

const path = new URL("../docs/guides/authorization.md", import.meta.url);
const before = readFileSync(path, "utf8");
const after = withPolicyMatrix(before);
if (after !== before) writeFileSync(path, after);
console.log(after === before ? "authorization.md: up to date" : "authorization.md: policy matrix written");
