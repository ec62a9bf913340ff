/**
 * summary.md of a run stopped before its verdict: the same place in a pull-request comment
 * as a finished run's, saying why it stopped and what was cleaned up.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AbortedRunSummary } from '../../result/run-summary.ts';
import { abortHeadline, cleanupItems, measuredSoFar } from '../aborted-text.ts';
import type { ReportWriter } from '../report-writer.ts';

const code = (value: string) => (value.includes('`') ? `\`\` ${value} \`\`` : `\`${value}\``);
const oneLine = (value: string) => value.replace(/\r?\n/g, ' ');

export function renderAbortedMarkdown(s: AbortedRunSummary): string {
  const a = s.aborted;
  const lines = [
    `## ⚠️ rmq-chaos ${code(s.run.plan)}: ABORTED`,
    '',
    `Run ${code(s.run.id)} · ${(s.run.wallMs / 1000).toFixed(1)} s · RocketMQ ${s.run.rocketmqVersion} · ` +
      `seed ${s.run.seed}`,
    '',
    `**Stopped** ${oneLine(abortHeadline(s))}`,
  ];
  if (a.detail && a.detail.length > 0) lines.push('', '```', ...a.detail.map((l) => l.replace(/```/g, "'''")), '```');
  if (a.hint) lines.push('', `**Fix:** ${oneLine(a.hint)}`);
  lines.push(
    '',
    `**Measured so far:** ${measuredSoFar(s)}. Nothing was judged: no checks, invariants or diagnoses.`,
    '',
    '**Cleaned up**',
    '',
    ...cleanupItems(a.cleanup).map((item) => `- ${oneLine(item)}`),
    '',
  );
  return lines.join('\n');
}

export const abortedMarkdownWriter: ReportWriter<AbortedRunSummary> = {
  name: 'markdown',
  async write(summary, reportDir) {
    const file = join(reportDir, 'summary.md');
    await writeFile(file, renderAbortedMarkdown(summary));
    return file;
  },
};
