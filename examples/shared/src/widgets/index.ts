// What the widget examples share (HTML, React, Vue) on the server side: the seeded campus, the
// framework page host and the esbuild bundling of a browser entry. Chromium and the scenarios
// every host page must pass are in `@homevisit-examples/shared/widgets-test`.
export * from "./bundle.js";
export * from "./host.js";
export * from "./world.js";
