/**
 * junit.xml, for CI systems that show test results (GitHub Actions reporters, GitLab, Jenkins):
 * one testsuite per run, one testcase per threshold check (per instance for `instance:each`),
 * per invariant, per expected diagnosis and, with --baseline, per compared metric; plus one
 * `verdict` testcase, so that a run failing for another reason (a crash, a fault that could
 * not be applied) is red there too. A failure's message carries what was observed against
 * what was required.
 */
import { formatObserved } from '../../checks/observed-text.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeRegression } from '../../compare/compare.ts';
import type { ReportWriter } from '../report-writer.ts';
import type { RunSummary } from '../../result/run-summary.ts';
import { attributes, escapeXml, junitDocument } from '../xml.ts';

interface TestCase {
  classname: string;
  name: string;
  /** Absent: passed. */
  failure?: { type: string; message: string; detail?: string };
  /** Shown by CI as the case's output. */
  output?: string;
}

function checkCases(s: RunSummary, suite: string): TestCase[] {
  return s.checks.map((c) => {
    const name = `${c.key}${c.instance ? ` [${c.instance}]` : ''} ${c.threshold}`;
    const observed = `observed ${formatObserved(c)}`;
    return {
      classname: `${suite}.thresholds`,
      name,
      output: observed,
      ...(c.ok
        ? {}
        : {
            failure: {
              type: 'threshold',
              message:
                `${observed}, threshold ${c.threshold}` +
                `${c.observed === null ? ' (a threshold on a metric without data fails)' : ''}`,
            },
          }),
    };
  });
}

function invariantCases(s: RunSummary, suite: string): TestCase[] {
  return s.invariants.map((i) => ({
    classname: `${suite}.invariants`,
    name: `${i.id} ${i.expected === 'hold' ? 'holds' : 'is violated (the plan reproduces it)'}`,
    output: i.detail,
    ...(i.ok
      ? {}
      : {
          failure: {
            type: 'invariant',
            message:
              `${i.held ? 'held' : 'violated'}, ` +
              `expected ${i.expected === 'hold' ? 'to hold' : 'violated'}: ${i.detail}`,
          },
        }),
  }));
}

function diagnosisCases(s: RunSummary, suite: string): TestCase[] {
  return s.expectedDiagnoses.map((e) => {
    const found = s.diagnoses.filter((f) => f.id === e.id && (e.group === undefined || f.group === e.group));
    const observed =
      s.diagnoses.length === 0 ? 'no diagnoses' : s.diagnoses.map((f) => `${f.id} [${f.group}]`).join(', ');
    return {
      classname: `${suite}.diagnoses`,
      name: `${e.id}${e.group ? ` (group ${e.group})` : ''} fires`,
      ...(found.length > 0
        ? { output: found.map((f) => `${f.severity} ${f.id} [${f.group}]: ${f.summary}`).join('\n') }
        : {}),
      ...(e.fired
        ? {}
        : {
            failure: {
              type: 'diagnosis',
              message:
                `expected diagnosis ${e.id}${e.group ? ` for group ${e.group}` : ''} did not fire ` +
                `(observed: ${observed})`,
            },
          }),
    };
  });
}

function comparisonCases(s: RunSummary, suite: string): TestCase[] {
  const comparison = s.comparison;
  if (!comparison) return [];
  return comparison.metrics
    .filter((m) => m.tolerance !== 'off')
    .map((m) => ({
      classname: `${suite}.comparison`,
      name: `${m.label} within ${m.toleranceText} of baseline`,
      output: describeRegression(m),
      ...(m.regressed
        ? {
            failure: {
              type: 'regression',
              message: `${describeRegression(m)} (baseline ${comparison.baseline.runId})`,
            },
          }
        : {}),
    }));
}

function verdictCase(s: RunSummary, suite: string): TestCase {
  return {
    classname: `${suite}.run`,
    name: 'verdict',
    ...(s.verdict === 'pass'
      ? {}
      : {
          failure: {
            type: 'verdict',
            message: `run failed: ${s.failures.length} reason(s)`,
            detail: s.failures.join('\n'),
          },
        }),
  };
}

function renderCase(c: TestCase): string {
  const open = `    <testcase${attributes({ classname: c.classname, name: c.name, time: 0 })}`;
  const body: string[] = [];
  if (c.failure) {
    const detail = c.failure.detail ?? c.failure.message;
    const failure = attributes({ type: c.failure.type, message: c.failure.message });
    body.push(`      <failure${failure}>${escapeXml(detail)}</failure>`);
  }
  if (c.output) body.push(`      <system-out>${escapeXml(c.output)}</system-out>`);
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
}

export function renderJunit(s: RunSummary): string {
  const suite = `rmq-chaos.${s.run.plan}`;
  const cases = [
    ...checkCases(s, suite),
    ...invariantCases(s, suite),
    ...diagnosisCases(s, suite),
    ...comparisonCases(s, suite),
    verdictCase(s, suite),
  ];
  const failures = cases.filter((c) => c.failure).length;
  const seconds = (s.run.wallMs / 1000).toFixed(3);
  const counts = { tests: cases.length, failures, errors: 0, skipped: 0, time: seconds };
  const properties = {
    'run.id': s.run.id,
    plan: s.run.plan,
    'plan.file': s.run.planFile,
    seed: s.run.seed,
    'rocketmq.version': s.run.rocketmqVersion,
    verdict: s.verdict,
    ...(s.comparison ? { 'baseline.run.id': s.comparison.baseline.runId, comparison: s.comparison.verdict } : {}),
  };
  return junitDocument({
    suite,
    runId: s.run.id,
    startedAt: s.run.startedAt,
    counts,
    properties,
    cases: cases.map(renderCase),
  });
}

export const junitWriter: ReportWriter = {
  name: 'junit',
  async write(summary, reportDir) {
    const file = join(reportDir, 'junit.xml');
    await writeFile(file, renderJunit(summary));
    return file;
  },
};
