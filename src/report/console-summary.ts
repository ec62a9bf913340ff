import type { RunSummary } from './summary.ts';

/** The end-of-run text a person reads first: verdict, headline numbers, checks. */
export function formatConsoleSummary(s: RunSummary): string {
  const lines: string[] = [];
  const secs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`);
  lines.push(`plan ${s.run.plan}: ${s.verdict === 'pass' ? 'PASS' : 'FAIL'} in ${secs(s.run.wallMs)} (cluster start ${secs(s.cluster.startMs)})`);
  lines.push(`  produced  attempted ${s.producers.attempted}, acked ${s.producers.acked}, send errors ${Object.values(s.producers.sendErrors).reduce((a, b) => a + b, 0)}${s.producers.dropped ? `, dropped ${s.producers.dropped}` : ''}`);
  for (const g of s.groups) {
    const per = Object.entries(g.perInstance)
      .map(([instance, n]) => `${instance}=${n}`)
      .join(' ');
    lines.push(`  ${g.scope.padEnd(9)} received ${g.receipts}, unique ${g.unique}, duplicates ${g.duplicates}, lost ${g.lost}, unexpected ${g.unexpected}  [${per}]`);
  }
  const e2e = s.latency.e2e;
  if (e2e.count > 0) lines.push(`  e2e latency  p50 ${e2e.p50}ms  p99 ${e2e.p99}ms  max ${e2e.max}ms  (${e2e.count} receipts)`);
  lines.push(`  drained: ${s.totals.drained ? 'yes' : 'no (backlog left at the end of drain)'}`);
  for (const crash of s.crashes) lines.push(`  crash: ${crash}`);
  for (const c of s.checks) {
    lines.push(`  ${c.ok ? '✓' : '✗'} ${c.metric} ${c.threshold}  (observed ${c.aggregation} = ${c.observed ?? 'no data'})`);
  }
  return lines.join('\n');
}
