// Chromium for the widget tests lives in examples/shared, shared with the React and Vue examples.
export {
  axeProblems,
  chromiumPath,
  deepText,
  ensureChromium,
  fillVisitRecord,
  frameworkHostCase,
  launchChromium,
  smallTargets,
  widgetRendered,
} from "@homevisit-examples/shared/widgets-test";
