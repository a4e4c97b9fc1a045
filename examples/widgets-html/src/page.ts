// Runs in the browser: registers the widgets under their default names. A host page with its
// own prefix calls `defineHomevisitWidgets({ prefix: "campus" })` instead.
import { defineHomevisitWidgets } from "@homevisit/widgets";

defineHomevisitWidgets();
