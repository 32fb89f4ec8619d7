// Which functions make the .wasm big: reads the name and code sections of the cargo output
// (before wasm-bindgen and wasm-opt strip the names) and prints the largest function bodies,
// grouped by crate too. Run after scripts/build-pkg.sh:  node benches/wasm-top.mjs [count=25]
import { readFileSync } from "node:fs";

const file = new URL("../target/wasm32-unknown-unknown/wasm-release/account_journey.wasm", import.meta.url);
const bytes = readFileSync(file);
let pos = 8;
const u32 = () => { let r = 0, s = 0, b; do { b = bytes[pos++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
const str = () => { const n = u32(); const t = bytes.toString("utf8", pos, pos + n); pos += n; return t; };
let imported = 0; const bodies = []; const names = new Map();
while (pos < bytes.length) {
  const id = bytes[pos++]; const size = u32(); const end = pos + size;
  if (id === 2) { // imports: count function imports, which come first in the index space
    for (let n = u32(), i = 0; i < n; i++) {
      str(); str(); const kind = bytes[pos++];
      if (kind === 0) { u32(); imported++; } else if (kind === 1) { pos++; const f = u32(); u32(); if (f & 1) u32(); }
      else if (kind === 2) { const f = u32(); u32(); if (f & 1) u32(); } else if (kind === 3) { pos += 2; }
      else { pos++; u32(); }
    }
  } else if (id === 10) {
    for (let n = u32(), i = 0; i < n; i++) { const len = u32(); bodies.push(len); pos += len; }
  } else if (id === 0 && str() === "name") {
    while (pos < end) {
      const sub = bytes[pos++]; const len = u32(); const subEnd = pos + len;
      if (sub === 1) for (let n = u32(), i = 0; i < n; i++) { const idx = u32(); names.set(idx, str()); }
      pos = subEnd;
    }
  }
  pos = end;
}
const rows = bodies.map((size, i) => ({ size, name: names.get(i + imported) ?? `func${i + imported}` }));
const total = bodies.reduce((a, b) => a + b, 0);
console.log(`${file.pathname}: ${bytes.length} bytes, ${bodies.length} functions, ${total} bytes of code`);
const crateOf = (n) => (n.match(/^(?:<)?(?:_?[A-Za-z0-9]+::)?([a-z_][a-z0-9_]*)::/)?.[1]) ?? n.split("::")[0];
const byCrate = new Map();
for (const r of rows) byCrate.set(crateOf(r.name), (byCrate.get(crateOf(r.name)) ?? 0) + r.size);
console.log("\nby crate (approximate, from demangled paths):");
for (const [c, s] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${String(s).padStart(7)}  ${c}`);
console.log("\nlargest functions:");
for (const r of rows.sort((a, b) => b.size - a.size).slice(0, Number(process.argv[2] ?? 25))) {
  console.log(`  ${String(r.size).padStart(7)}  ${r.name.slice(0, 110)}`);
}
