import { fuzzShard } from "./fuzz.js";

fuzzShard(1, 2);
