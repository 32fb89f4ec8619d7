import { mergeReports } from "/tmp/review2/pkg/node.mjs";
import { W, header } from "/tmp/review2/enc.mjs";
const C = Number(process.argv[2]), desc = process.argv[3] === "desc", what = process.argv[4] ?? "cohorts";
const w = new W();
header(w, { stages: [["s0", false]] });
if (what === "groups") {
  w.len(C);
  for (let c = 0; c < C; c++) {
    const k = desc ? C - c : c;
    w.optStr(String(k).padStart(8, "0")); w.len(0);
    for (let i = 0; i < 9; i++) w.len(0);
    w.len(0); w.len(0); for (let i = 0; i < 16; i++) w.len(0); w.len(0); w.len(0);
  }
} else {
  w.len(1); w.optStr(null); w.len(0);
  for (let k = 0; k < 9; k++) w.len(0);
  w.len(0);
  w.len(C); for (let c = 0; c < C; c++) { w.len(0); w.i64(desc ? C - c : c); w.len(0); w.len(0); w.len(0); }
  for (let k = 0; k < 16; k++) w.len(0);
  w.len(0); w.len(0);
}
const bytes = w.bytes();
const t = Date.now();
try { const r = mergeReports([bytes], { partial: true }); console.log(what, C, desc ? "desc" : "asc", "input", bytes.length, "ok", r.length); } catch (e) { console.log("error", e.message); }
console.log("ms", Date.now() - t);
