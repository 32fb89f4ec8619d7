// A seeded generator of realistic synthetic account history for the default journey: the
// same seed gives the same events, byte for byte, in every runtime (no clock, no Math.random).
//
// What it models, because real revenue data has it:
//   - accounts of three segments (smb, mid, ent), two motions, five owners, with facts;
//   - seasonality: fewer signals at weekends, a summer and a December dip, peaks in March and
//     October;
//   - activity tiers: a few very active accounts, most quiet ones, many that never resolve;
//   - journeys that skip (a referral straight to sales), regress (a lost deal), stall (no
//     event after an MQA or an opportunity: max-dwell breaches, stuck accounts), get rejected
//     by sales with a reason code (and recycled to nurture), win, churn, reopen;
//   - recurring revenue after a win: expansions, renewals for more or less, churn;
//   - redelivered events (1 %, same id) and an occasional manual override.
//
//   import { generateHistory } from "./generate.mjs";
//   const { lines, accounts } = generateHistory({ accounts: 10_000, events: 1_000_000, seed: 7 });
//   // lines: JSON Lines text, in time order, from `from` to `to`
export const DAY = 86_400_000;

/** mulberry32: a small seeded PRNG returning [0, 1). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SIGNALS = [["page_view", 46], ["content_download", 10], ["ad_click", 12], ["webinar", 5],
  ["email_reply", 7], ["intent_surge", 10], ["meeting", 3], ["product_usage", 3], ["executive_meeting", 1],
  ["unsubscribe", 1], ["competitor", 1], ["partner_referral", 1]];
const SIGNAL_TOTAL = SIGNALS.reduce((s, [, w]) => s + w, 0);
const INDUSTRIES = ["software", "fintech", "healthcare", "retail", "manufacturing", "education"];
const COUNTRIES = ["US", "GB", "DE", "FR", "NL", "BR", "JP"];
const TECH = ["salesforce", "hubspot", "snowflake"];
const REASONS = ["no-budget", "no-authority", "no-need", "bad-timing", "not-icp", "competitor", "duplicate"];
const SEGMENTS = ["smb", "mid", "ent"];
const MOTIONS = ["net-new", "expansion"];
const OWNERS = ["ana", "ben", "chloe", "dev", "eli"];
// Relative activity by month (January first) and by weekday (Sunday first).
const MONTH = [0.9, 1.0, 1.2, 1.1, 1.0, 0.9, 0.7, 0.6, 1.1, 1.2, 1.1, 0.6];
const WEEKDAY = [0.3, 1.0, 1.1, 1.1, 1.0, 0.9, 0.3];

/**
 * @param {{ accounts?: number, events?: number, seed?: number, from?: string, to?: string }} options
 * @returns {{ lines: string, count: number, accounts: number, from: string, to: string }}
 */
export function generateHistory({ accounts = 10_000, events = 1_000_000, seed = 7,
  from = "2025-11-22", to = "2026-11-22" } = {}) {
  const rand = random(seed);
  const below = (n) => Math.floor(rand() * n);
  const pick = (xs) => xs[below(xs.length)];
  const start = Date.parse(from);
  const span = Date.parse(to) - start;
  // A time with the season's and the weekday's weights (rejection sampling), after `after`.
  const when = (after, within, r = rand) => {
    for (let tries = 0; tries < 20; tries++) {
      const t = after + Math.floor(r() * within);
      if (t >= start + span) break;
      const d = new Date(t);
      if (r() * 1.2 < MONTH[d.getUTCMonth()] * WEEKDAY[d.getUTCDay()]) return t;
    }
    return Math.min(after + Math.floor(r() * within), start + span - 1);
  };
  const out = [];
  let id = 0;
  const push = (t, account, body, r = rand) => {
    const line = `{"id":"e${id++}","account":"${account}","at":"${new Date(t).toISOString()}",${body}}`;
    out.push([t, line]);
    if (r() < 0.01) out.push([t, line]); // redelivered
  };
  // Activity tiers: share of the events per account.
  const weights = Array.from({ length: accounts }, () => {
    const r = rand();
    return r < 0.002 ? 200 : r < 0.05 ? 25 : r < 0.3 ? 6 : 1.5;
  });
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  for (let a = 0; a < accounts; a++) {
    const account = `acct-${String(a).padStart(6, "0")}`;
    const n = Math.max(1, Math.round((events * weights[a]) / totalWeight * (0.5 + rand())));
    const first = start + Math.floor(rand() * span * 0.85);
    const life = start + span - first;
    push(first, account, `"type":"account","facts":{"segment":"${pick(SEGMENTS)}","motion":"${pick(MOTIONS)}","owner":"${pick(OWNERS)}","target":${rand() < 0.3}}`);
    const resolved = rand() < 0.7;
    if (resolved) {
      const tech = TECH.filter(() => rand() < 0.35).map((t) => `"${t}"`).join(",");
      push(when(first, Math.min(life, 20 * DAY)), account, `"type":"firmographics","firmographics":{"resolved":true,"industry":"${pick(INDUSTRIES)}","country":"${pick(COUNTRIES)}","employees":${1 + below(20_000)},"revenue":${below(500) * 1_000_000},"techStack":[${tech}]}`);
    }
    // Signals, spread over the account's life, bunched into bursts of interest.
    let t = first;
    const gap = Math.max(DAY / 4, life / (n + 1));
    for (let k = 0; k < n; k++) {
      t = when(t, 2 * gap);
      if (t >= start + span) break;
      let r = rand() * SIGNAL_TOTAL;
      let type = SIGNALS[0][0];
      for (const [name, w] of SIGNALS) { if ((r -= w) < 0) { type = name; break; } }
      const extra = type === "intent_surge" ? `,"strength":${40 + below(61)},"topic":"${pick(["pricing", "security", "integrations"])}"`
        : type === "product_usage" ? `,"value":${1 + below(50)}` : "";
      push(t, account, `"type":"${type}"${extra}`);
    }
    // The sales motion: engaged accounts get to sales, some by referral (a skip).
    const engaged = n >= 8 || rand() < 0.03;
    if (!engaged || !resolved) continue;
    let s = when(first + Math.floor(life * (0.2 + rand() * 0.4)), 30 * DAY);
    if (s >= start + span) continue;
    if (rand() < 0.3) {
      push(s, account, `"type":"sales_rejected","reason":"${pick(REASONS)}"`);
      if (rand() < 0.5) continue; // recycled to nurture, never back
      s = when(s + 35 * DAY, 60 * DAY);
      if (s >= start + span) continue;
    }
    push(s, account, `"type":"sales_accepted"`);
    if (rand() < 0.25) continue; // stalls in SAA
    s = when(s, 30 * DAY);
    if (s >= start + span) continue;
    const amount = (5 + below(496)) * 1000;
    push(s, account, `"type":"opportunity_created","amount":${amount}`);
    if (rand() < 0.3) continue; // stuck in Opportunity: max dwell breaches
    s = when(s, 90 * DAY);
    if (s >= start + span) continue;
    if (rand() < 0.4) {
      push(s, account, `"type":"opportunity_won","amount":${amount}`);
      // Recurring revenue after the win: an expansion, a renewal for more or less, sometimes a
      // churn (from a stream of their own, so the rest of the history stays as it was).
      const more = random(seed * 7919 + a);
      let arr = amount;
      let t2 = s;
      if (more() < 0.4) {
        t2 = when(s + 20 * DAY, 80 * DAY, more);
        const add = Math.round(amount * (0.1 + more() * 0.3) / 1000) * 1000;
        if (t2 < start + span) { push(t2, account, `"type":"expansion","amount":${add}`, more); arr += add; }
      }
      if (more() < 0.6) {
        t2 = when(t2 + 40 * DAY, 120 * DAY, more);
        const renewed = Math.round(arr * (0.6 + more() * 0.8) / 1000) * 1000;
        if (t2 < start + span) push(t2, account, `"type":"renewal","amount":${renewed}`, more);
      }
      if (more() < 0.2) {
        const c = when(t2 + 10 * DAY, 120 * DAY, more);
        if (c < start + span) push(c, account, `"type":"churn"`, more);
      }
      if (rand() < 0.08) {
        const c = when(s + 60 * DAY, 180 * DAY);
        if (c < start + span) push(c, account, `"type":"churn"`);
      }
    } else {
      push(s, account, `"type":"opportunity_lost","reason":"${pick(["price", "no-decision", "competitor"])}"`);
      if (rand() < 0.15) {
        const again = when(s + 30 * DAY, 90 * DAY);
        if (again < start + span) push(again, account, `"type":"opportunity_created","amount":${amount}`);
      }
    }
    if (rand() < 0.01) push(when(s, 30 * DAY), account, `"type":"stage_override","stage":"mqa","by":"ops","reason":"re-qualify"`);
  }
  out.sort((x, y) => x[0] - y[0]);
  return { lines: out.map(([, line]) => line).join("\n") + "\n", count: out.length, accounts, from, to };
}
