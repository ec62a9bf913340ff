import type { SendWindow, SendsAroundFault } from '../metrics/sends-around-faults.ts';

/**
 * `sends around disk.slow-0: before mean 4.6 ms (2990 acked), during 1840.2 ms (2601 acked, 1185 errors),
 * after 4.3 ms (3001 acked)`: one line per fault that lasted.
 */
export function sendsAroundLine(s: SendsAroundFault): string {
  const windows = [`before ${windowText(s.before)}`, `during ${windowText(s.during)}`, `after ${windowText(s.after)}`];
  return `  sends around ${s.fault} (${s.target}): ${windows.join(', ')}`;
}

function windowText(w: SendWindow): string {
  if (w.seconds === 0) return 'no sending';
  const errors = w.sendErrors > 0 ? `, ${w.sendErrors} errors` : '';
  const mean = w.meanMs === null ? 'no acks' : `mean ${w.meanMs} ms, worst p99 ${w.worstP99Ms} ms`;
  return `${mean} (${w.acked} acked${errors}, ${w.seconds} s)`;
}
