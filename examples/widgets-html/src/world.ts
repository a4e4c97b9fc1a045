// The campus this example serves lives in examples/shared, where the React and Vue examples
// seed the same one.
export {
  type CampusWorld,
  campusDay,
  campusTerm,
  completeRecord,
  type PersonaKey,
  seedCampus,
} from "@homevisit-examples/shared/widgets";
