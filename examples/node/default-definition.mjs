// The embedded default definition's JSON text, read from the repository's templates/ folder.
import { readFileSync } from "node:fs";

export const DEFAULT_DEFINITION_TEXT = readFileSync(
  new URL("../../templates/default.json", import.meta.url), "utf8");
