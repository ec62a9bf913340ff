/**
 * junit.xml of a run stopped before its verdict: one `run` testcase with an <error> (not a
 * failure: nothing was checked), so CI shows the run red with why it stopped.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AbortedRunSummary } from '../../result/run-summary.ts';
import { abortHeadline, cleanupItems } from '../aborted-text.ts';
import type { ReportWriter } from '../report-writer.ts';
import { attributes, escapeXml, junitDocument } from '../xml.ts';

export function renderAbortedJunit(s: AbortedRunSummary): string {
  const suite = `rmq-chaos.${s.run.plan}`;
  const counts = { tests: 1, failures: 0, errors: 1, skipped: 0, time: (s.run.wallMs / 1000).toFixed(3) };
  const detail = [...(s.aborted.detail ?? []), ...cleanupItems(s.aborted.cleanup)].join('\n');
  const error = attributes({ type: s.aborted.kind, message: `run aborted ${abortHeadline(s)}` });
  const properties = { 'run.id': s.run.id, plan: s.run.plan, 'plan.file': s.run.planFile, verdict: s.verdict };
  return junitDocument({
    suite,
    runId: s.run.id,
    startedAt: s.run.startedAt,
    counts,
    properties,
    cases: [
      `    <testcase${attributes({ classname: `${suite}.run`, name: 'verdict', time: 0 })}>`,
      `      <error${error}>${escapeXml(detail)}</error>`,
      '    </testcase>',
    ],
  });
}

export const abortedJunitWriter: ReportWriter<AbortedRunSummary> = {
  name: 'junit',
  async write(summary, reportDir) {
    const file = join(reportDir, 'junit.xml');
    await writeFile(file, renderAbortedJunit(summary));
    return file;
  },
};
