// The part every mount example shares, so that each example keeps only its host's mount lines.
export { basePath, homevisitHandler } from "./homevisit.js";
export { listen } from "./listen.js";
