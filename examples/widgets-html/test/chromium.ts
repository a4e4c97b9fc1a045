// Chromium for the widget tests lives in examples/shared, shared with the React and Vue examples.
export { chromiumPath, ensureChromium, launchChromium } from "@homevisit-examples/shared/widgets-test";
