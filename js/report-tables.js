
// ---- reportTables(reports): the reports as 2-D tables (a header row, then rows) ----
// Appended by scripts/build-pkg.sh to both glues, with the export line of each. For
// spreadsheets and CSV: one table per report, a `group` column first, durations in days.
function reportTables(reports) {
  const days = (ms) => (ms === null || ms === undefined ? null : ms / 86_400_000);
  const groups = reports.groups;
  // Column names from the first row of any group (a group may have no cohorts).
  const windows = groups.flatMap((g) => g.cohorts)[0]?.within.map((w) => w.window) ?? [];
  const buckets = groups.flatMap((g) => g.velocity)[0]?.histogram
    .map((b) => (b.upToDays === null ? "longer" : `upTo${b.upToDays}d`)) ?? [];
  return {
    funnel: [["group", "stage", "population", "entered", "converted", "conversionRate", "skipped", "regressions",
      "breaches", "stuck", "stays", "dwellMedianDays", "dwellP90Days"],
      ...groups.flatMap((g) => g.funnel.map((f) => [g.group, f.stage, f.population, f.entered, f.converted,
        f.conversionRate, f.skipped, f.regressions, f.breaches, f.stuck, f.dwell.count, days(f.dwell.medianMs),
        days(f.dwell.p90Ms)]))],
    cohorts: [["group", "stage", "period", "start", "entered", ...windows.flatMap((w) => [`convertedWithin${w}`, `rateWithin${w}`]),
      "converted", "conversionRate"],
      ...groups.flatMap((g) => g.cohorts.map((c) => [g.group, c.stage, c.period, c.start, c.entered,
        ...c.within.flatMap((w) => [w.converted, w.rate]), c.converted, c.conversionRate]))],
    rolling: [["group", "stage", "period", "start", "entered", "converted", "rate"],
      ...groups.flatMap((g) => g.rolling.map((r) => [g.group, r.stage, r.period, r.start, r.entered, r.converted, r.rate]))],
    velocity: [["group", "from", "to", "started", "reached", "medianDays", "p90Days", ...buckets],
      ...groups.flatMap((g) => g.velocity.map((v) => [g.group, v.from, v.to, v.started, v.reached.count,
        days(v.reached.medianMs), days(v.reached.p90Ms), ...v.histogram.map((b) => b.count)]))],
    matrix: [["group", "from", "to", "count"],
      ...groups.flatMap((g) => g.matrix.map((m) => [g.group, m.from, m.to, m.count]))],
    forecast: [["group", "kind", "at", "horizon", "stage", "population", "history", "rate", "expectedWins",
      "expectedAmount", "actualWins", "actualAmount"],
      ...groups.flatMap((g) => [["forecast", g.forecast], ["backtest", g.backtest]].flatMap(([kind, f]) =>
        (f?.stages ?? []).map((r) => [g.group, kind, f.at, f.horizon, r.stage, r.population, r.history, r.rate,
          r.expectedWins, r.expectedAmount, r.actualWins, r.actualAmount])))],
    coverage: [["group", "stage", "targets", "share", "others", "targetWinRate", "baselineWinRate"],
      ...groups.flatMap((g) => g.accountMetrics.coverage.map((c) => [g.group, c.stage, c.targets, c.share, c.others,
        g.accountMetrics.winRate.target.rate, g.accountMetrics.winRate.baseline.rate]))],
    retention: [["group", "accounts", "starting", "expansion", "contraction", "churned", "churnedAccounts", "ending",
      "netRetention", "grossRetention"],
      ...groups.map((g) => {
        const r = g.accountMetrics.retention;
        return [g.group, r.accounts, r.starting, r.expansion, r.contraction, r.churned, r.churnedAccounts, r.ending,
          r.net, r.gross];
      })],
    attribution: [["group", "stage", "trigger", "wonAccounts", "wonAmount", "pipelineAccounts", "pipelineAmount"],
      ...groups.flatMap((g) => g.attribution.map((a) => [g.group, a.stage, a.trigger, a.wonAccounts, a.wonAmount,
        a.pipelineAccounts, a.pipelineAmount]))],
  };
}
