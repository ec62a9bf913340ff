/**
 * Delayed messages' lateness as text: one line per delay kind, one per fault the pending
 * messages crossed; the console and the Markdown summary print the same lines.
 */
import type { LatenessStats, TimerSummary } from '../metrics/timer-lateness.ts';

function signed(ms: number | null): string {
  if (ms === null) return '–';
  return `${ms > 0 ? '+' : ''}${Math.round(ms)} ms`;
}

export function latenessText(l: LatenessStats): string {
  return `lateness p50 ${signed(l.p50)}, p99 ${signed(l.p99)}, max ${signed(l.max)}, min ${signed(l.min)}`;
}

/** `timer 3s: 600 acked, 600 delivered, lateness p50 -410 ms, ...; 540 before due within 1000 ms, 0 early`. */
export function timerLines(t: TimerSummary): string[] {
  const kinds = t.kinds.map((k) => {
    const within = k.toleranceMs > 0 ? `, ${k.beforeDue} before due within ${k.toleranceMs} ms` : '';
    const counts = `${k.acked} acked, ${k.delivered} delivered`;
    return `${k.label}: ${counts}, ${latenessText(k.lateness)}${within}, ${k.early} early`;
  });
  const faults = t.faultWindows.map(
    (f) =>
      `across ${f.label} at ${(f.fromMs / 1000).toFixed(1)}s: ${f.pending} pending, ${f.delivered} delivered, ` +
      `${latenessText(f.lateness)}, ${f.early} early`,
  );
  return [...kinds, ...faults];
}
