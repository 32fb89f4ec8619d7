// The main job for now: load the package, show the embedded default journey and validate it,
// then show what validation reports for a definition with mistakes in it.
// Run: bash scripts/run.sh   (builds pkg/ first)   or   node examples/node/default-journey.mjs
import { Journey, validateDefinition, version } from "account-journey";

const journey = Journey.default();
console.log(`account-journey ${version()}`);
console.log(`journey "${journey.name}" (id ${journey.id}, version ${journey.version})\n`);

const rows = journey.stages().map((s) => [String(s.index), s.id, s.name, s.kind, s.owner ?? ""]);
const header = ["#", "id", "name", "kind", "owner"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));

const { DEFAULT_DEFINITION_TEXT } = await import("./default-definition.mjs");
const valid = validateDefinition(DEFAULT_DEFINITION_TEXT);
console.log(`\nvalidation of the default definition: ${valid.ok ? "ok" : "FAILED"}, ` +
  `${valid.diagnostics.length} diagnostic(s)`);

// A definition with typical mistakes, given as text so diagnostics carry line and column.
const broken = `{
  "id": "net-new",
  "name": "Net-new",
  "version": "1.0",
  "stages": [
    { "id": "engaged", "name": "Engaged", "kind": "presale" },
    { "id": "engaged", "name": "MQA", "kind": "pre-sale", "onwer": "marketing" }
  ]
}`;
const result = validateDefinition(broken);
console.log(`\nvalidation of a definition with mistakes: ok=${result.ok}`);
const lines = broken.split("\n");
for (const d of result.diagnostics) {
  console.log(`  ${d.severity}[${d.code}] ${d.path}: ${d.message}`);
  if (d.span) {
    console.log(`    ${String(d.span.line).padStart(3)} | ${lines[d.span.line - 1]}`);
    console.log(`        | ${" ".repeat(d.span.column - 1)}${"^".repeat(Math.max(1, d.span.end - d.span.start))}`);
  }
}
