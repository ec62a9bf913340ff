/** The shrink's tries as a padded table for the terminal, under one line saying what it found. */
import { outcomeLine, type ShrinkResult, TRY_HEADERS, tryCells } from './shrink-result.ts';

export function formatShrinkConsole(r: ShrinkResult): string {
  const header = [...TRY_HEADERS];
  const rows = r.tries.map(tryCells);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  // The last column is not padded (no trailing blanks).
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const removed = r.removed.length > 0 ? `removed: ${r.removed.join(', ')}` : 'removed: nothing';
  return [
    outcomeLine(r),
    `target (any of): ${r.target.join(', ')}`,
    line(header),
    ...rows.map(line),
    `kept: ${r.shrunk.faults.length > 0 ? r.shrunk.faults.join(', ') : '(no faults)'}; ${removed}`,
  ].join('\n');
}
