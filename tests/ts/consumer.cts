// The same surface through require (CommonJS), type-checked by tests/js/types.test.mjs.
import aj = require("account-journey");

const journey: aj.Journey = aj.Journey.default();
const result: aj.ValidationResult = aj.validateDefinition("{}");
console.log(journey.stages().length, result.ok, aj.version());
