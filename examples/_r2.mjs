import { Journey, mergeReports } from "/tmp/review2/pkg/node.mjs";
import { W, header } from "/tmp/review2/enc.mjs";
const F = Number(process.argv[2]), C = Number(process.argv[3]);
const w = new W();
header(w, { stages: [["s0", false]], followUp: Array.from({ length: F }, (_, i) => BigInt(i + 1)) });
w.len(1); w.optStr(null); w.len(0);
for (let k = 0; k < 9; k++) w.len(0); // stage counts + sketch
w.len(0); // moves
w.len(C); for (let c = 0; c < C; c++) { w.len(0); w.i64(c); w.len(0); w.len(0); w.len(0); }
for (let k = 0; k < 16; k++) w.len(0); // forecast + backtest (1 stage)
w.len(0); w.len(0); // attribution, rolling
const bytes = w.bytes();
console.log("input bytes", bytes.length);
const t = Date.now();
try { const r = mergeReports([bytes], { partial: true }); console.log("ok out bytes", r.length); } catch (e) { console.log("error", e.name, e.message); }
console.log("ms", Date.now() - t, "rss MB", Math.round(process.memoryUsage().rss / 1e6), "arrayBuffers MB", Math.round(process.memoryUsage().arrayBuffers/1e6));
