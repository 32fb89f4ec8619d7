// The main job's first half (the second is main-job.mjs): load the package, show the embedded default journey and validate it,
// classify the bundled sample accounts (examples/data/sample-accounts.json) as of 2026-11-22 —
// stage, score, what the next stage needs, when the answer changes by itself — replay the bundled
// sample event history (transitions, SLAs, breaches, refusals), then show what validation
// reports for a definition with mistakes in it.
// Run: bash scripts/run.sh   (builds pkg/ first)   or   node examples/node/default-journey.mjs
import { readFileSync } from "node:fs";
import { Journey, formatDiagnostic, validateDefinition, version } from "account-journey";

const journey = Journey.default();
console.log(`account-journey ${version()}`);
console.log(`journey "${journey.name}" (id ${journey.id}, version ${journey.version})`);
console.log(`content hash ${journey.hash}\n`);

const clip = (text, width) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
const definition = journey.definition();
const rows = journey.stages().map((s, i) => {
  const stage = definition.stages[i];
  const rules = [
    s.maxDwell && `after ${s.maxDwell.after}: ${s.maxDwell.action}`,
    stage.sla && `SLA ${stage.sla.within}${stage.sla.businessHours ? " business" : ""}`,
    stage.rejection && `rejected → ${stage.rejection.recycleTo} after ${stage.rejection.after}`,
  ].filter(Boolean).join("; ");
  return [String(s.index), s.name, s.kind, s.owner ?? "", clip(s.entryCriteria ?? "", 48), rules];
});
const header = ["#", "stage", "kind", "owner", "entry criterion", "dwell, SLA, rejection"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));

// The bundled sample accounts, classified as of a fixed date (the engine never reads the clock).
const asOf = "2026-11-22";
const samples = JSON.parse(readFileSync(new URL("../data/sample-accounts.json", import.meta.url), "utf8"));
console.log(`\nsample accounts as of ${asOf}:`);
const sampleRows = samples.map((account) => {
  const c = journey.classify(account, { asOf });
  const score = journey.score(account, { asOf });
  const need = c.next?.checks[0];
  const needs = c.next ? `${c.next.stage}: ${need ? `${clip(need.text, 44)}${need.left ? ` (has ${need.left.value})` : ""}` : "roles"}` : "";
  return [account.account.id, c.stage ?? "—", score.composite.toFixed(1), needs, c.nextChangeAt?.slice(0, 10) ?? ""];
});
const sampleHeader = ["account", "stage", "score", "next stage needs", "changes by itself on"];
const sampleWidths = sampleHeader.map((h, i) => Math.max(h.length, ...sampleRows.map((r) => r[i].length)));
const sampleLine = (cells) => cells.map((c, i) => c.padEnd(sampleWidths[i])).join("  ").trimEnd();
console.log(sampleLine(sampleHeader));
console.log(sampleLine(sampleWidths.map((w) => "-".repeat(w))));
for (const row of sampleRows) console.log(sampleLine(row));

// The bundled sample history (examples/data/sample-events.jsonl: signals and CRM facts, one JSON
// object per line, some out of order, one redelivered, one malformed, one after asOf), replayed.
const history = readFileSync(new URL("../data/sample-events.jsonl", import.meta.url), "utf8");
const replayed = journey.replay(history, { asOf });
const { received, applied, refused } = replayed.events;
console.log(`\nsample history replayed as of ${asOf}: ${received} events, ${applied} applied, ` +
  `${refused} refused (${Object.entries(replayed.events.refusedByReason).map(([r, n]) => `${n} ${r}`).join(", ")})`);
const day = (t) => t.slice(0, 10);
for (const a of replayed.accounts) {
  const path = a.transitions.map((t, i) => `${i ? " → " : ""}${t.to ?? "none"} ${day(t.at)}` +
    (t.kind === "entry" || t.kind === "advance" ? "" : ` (${t.kind}${t.reason ? `: ${t.reason}` : ""})`)).join("");
  console.log(`  ${a.account.padEnd(8)} ${path}`);
  const notes = [
    ...a.slas.map((s) => `SLA ${s.id} ${s.status}${s.closedAt ? ` ${day(s.closedAt)}` : ""} (${(s.elapsedMs / 3.6e6).toFixed(1)} business h)`),
    ...a.breaches.map((b) => `max dwell ${b.after} in ${b.stage} passed ${day(b.at)}: ${b.action}${b.play ? ` (${b.play})` : ""}`),
    a.stuck ? "stuck" : "",
  ].filter(Boolean);
  if (notes.length) console.log(`  ${"".padEnd(8)} ${notes.join("; ")}`);
}
for (const r of replayed.refused) console.log(`  refused event ${r.index + 1} (${r.account ?? "?"}): ${r.reason} — ${clip(r.message, 80)}`);

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
for (const d of result.diagnostics) console.log(formatDiagnostic(d, broken).replace(/^/gm, "  "));
