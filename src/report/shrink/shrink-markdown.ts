/** shrink.md: what the shrink found and every try, as a Markdown table, next to the run. */
import { outcomeLine, phasesText, type ShrinkResult, TRY_HEADERS, tryCells } from './shrink-result.ts';

export const SHRINK_MARKDOWN_FILE = 'shrink.md';
export const SHRUNK_PLAN_FILE = 'shrunk.yaml';

export function formatShrinkMarkdown(r: ShrinkResult): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const row = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [
    `# Shrink of ${r.runId}`,
    '',
    outcomeLine(r),
    '',
    `- plan: ${r.plan}, seed ${r.seed}`,
    `- a try reproduces when it fails at least one of: ${r.target.map((t) => `\`${t}\``).join(', ')}`,
    `- original: ${r.original.faults.join(', ') || '(no faults)'}; ${phasesText(r.original.phases)}`,
    `- shrunk (${SHRUNK_PLAN_FILE}): ${r.shrunk.faults.join(', ') || '(no faults)'}; ${phasesText(r.shrunk.phases)}`,
    `- removed: ${r.removed.join(', ') || 'nothing'}`,
    `- budget ${Math.round(r.budgetMs / 1000)} s; tries' runs are in \`shrink/\``,
    '',
    row(TRY_HEADERS),
    row(TRY_HEADERS.map(() => '---')),
    ...r.tries.map((t) => row(tryCells(t))),
    '',
  ].join('\n');
}
