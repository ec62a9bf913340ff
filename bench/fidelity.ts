/**
 * `npm run bench fidelity`: does the Node driver reach the verdicts RocketMQ's own Java client
 * reaches? Each of the five problem plans runs once as its twin (bench/fidelity-plan.ts): the
 * same producers and faults feed one consumer group per driver on one cluster, in one run.
 * Printed side by side per problem: loss, duplicates, backlog peak, rebalance latency, and
 * whether the plan's diagnosis fired and how long after its cause.
 *
 * `BENCH_FIDELITY_PLANS=tag-drift,zombie-consumer` picks plans; `BENCH_FIDELITY_SET` passes
 * `--set` values (comma separated) to every run, e.g. to shorten phases.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary, SummaryFile } from '../src/result/run-summary.ts';
import { TWIN_DRIVERS, twinGroups, twinPlan, type TwinDriver } from './fidelity-plan.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'rmq-chaos.js');
const PROBLEMS = ['tag-drift', 'topic-drift', 'zombie-consumer', 'broker-unregistered', 'flap-duplicates'];

export interface TwinFigures {
  lost: number;
  duplicates: number;
  backlogPeak: number;
  /** Longest assignment latency of the group's rebalance events, ms; null without one that settled. */
  rebalanceMs: number | null;
  /**
   * What the broker filtered the group's pulls with at the end (its subscription table, retry
   * topics left out): with members on different expressions it holds the newest subscription
   * (the highest subVersion, i.e. the member that subscribed last), whichever driver.
   */
  brokerTable: string;
  /**
   * The plan's expected diagnoses for this group: fired, and seconds from its cause to the
   * first snapshot showing it.
   */
  diagnoses: { id: string; fired: boolean; afterS: number | null }[];
}

/**
 * The moment a problem starts: its first fault's observed begin, else the start of warmup (a
 * drifted subscription is there as soon as the consumers start).
 */
function causeAtEpochMs(summary: RunSummary): number {
  const started = Date.parse(summary.run.startedAt);
  const faultBegins = summary.faults.map((f) => f.observed.beginMs).filter((m): m is number => m !== null);
  const relative = faultBegins.length > 0 ? Math.min(...faultBegins) : (summary.phases.warmup?.startMs ?? 0);
  return started + relative;
}

interface SnapshotLine {
  groups?: { group: string; brokers?: { subscriptions?: { topic: string; expression?: string }[] }[] }[];
}

/** The group's subscription table on its first broker in the run's last snapshot. */
function brokerTableOf(snapshots: string, group: string): string {
  const last = snapshots.trim().split('\n').at(-1);
  if (!last) return '?';
  const line = JSON.parse(last) as SnapshotLine;
  const subscriptions = line.groups?.find((g) => g.group === group)?.brokers?.[0]?.subscriptions ?? [];
  const own = subscriptions.filter((s) => !s.topic.startsWith('%RETRY%'));
  return own.length === 0 ? '(none)' : own.map((s) => `${s.topic}: "${s.expression ?? '*'}"`).join(', ');
}

export function figuresOf(summary: RunSummary, group: string, expected: string[], snapshots = ''): TwinFigures {
  const result = summary.groups.find((g) => g.scope === group);
  const latencies = summary.rebalance.events
    .filter((e) => e.group === group && e.assignmentLatencyMs !== null)
    .map((e) => e.assignmentLatencyMs as number);
  const cause = causeAtEpochMs(summary);
  return {
    lost: result?.lost ?? 0,
    duplicates: result?.duplicates ?? 0,
    backlogPeak: Math.max(0, ...summary.timeseries.map((row) => row.backlogByScope[group] ?? 0)),
    rebalanceMs: latencies.length > 0 ? Math.max(...latencies) : null,
    brokerTable: brokerTableOf(snapshots, group),
    diagnoses: expected.map((id) => {
      const finding = summary.diagnoses.find((d) => d.id === id && d.group === group);
      return {
        id,
        fired: finding !== undefined,
        afterS: finding ? Math.round((finding.firstSeenAt - cause) / 100) / 10 : null,
      };
    }),
  };
}

function runPlanFile(file: string, sets: string[]): Promise<{ code: number | null; output: string }> {
  const reports = mkdtempSync(join(tmpdir(), 'rmq-chaos-fidelity-reports-'));
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [BIN, 'run', file, '--reports', reports, ...sets.flatMap((s) => ['--set', s])],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const cell = (figures: Record<TwinDriver, TwinFigures>, pick: (f: TwinFigures) => string) =>
  TWIN_DRIVERS.map((d) => pick(figures[d])).join(' / ');

function diagnosisText(f: TwinFigures): string {
  if (f.diagnoses.length === 0) return '—';
  return f.diagnoses.map((d) => (d.fired ? `yes, ${d.afterS} s` : 'no')).join('; ');
}

export async function benchFidelity(): Promise<void> {
  const plans = process.env.BENCH_FIDELITY_PLANS?.split(',').filter(Boolean) ?? PROBLEMS;
  const sets = process.env.BENCH_FIDELITY_SET?.split(',').filter(Boolean) ?? [];
  const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-fidelity-'));
  const rows: string[] = [];
  for (const name of plans) {
    const text = readFileSync(join(ROOT, 'plans', `${name}.yaml`), 'utf8');
    const planFile = join(dir, `${name}-fidelity.yaml`);
    writeFileSync(planFile, twinPlan(text));
    process.stdout.write(`fidelity: ${name} (node and java consumers side by side)... `);
    const started = performance.now();
    const { code, output } = await runPlanFile(planFile, sets);
    const summaryPath = /^report: (.*\/summary\.json)$/m.exec(output)?.[1];
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    if (!summaryPath) {
      console.log(
        `no summary (exit ${code}, ${seconds} s); last lines:\n${output.trim().split('\n').slice(-15).join('\n')}`,
      );
      continue;
    }
    console.log(`exit ${code}, ${seconds} s, ${summaryPath}`);
    const file = JSON.parse(readFileSync(summaryPath, 'utf8')) as SummaryFile;
    if (file.verdict === 'aborted') {
      console.log(`  aborted: ${file.aborted.reason}`);
      rows.push(`| ${name} | aborted: ${file.aborted.reason} | | | | | |`);
      continue;
    }
    const summary: RunSummary = file;
    const snapshotsFile = join(dirname(summaryPath), 'snapshots.ndjson');
    const snapshots = existsSync(snapshotsFile) ? readFileSync(snapshotsFile, 'utf8') : '';
    for (const { twins, expected } of twinGroups(text)) {
      const figures = Object.fromEntries(
        TWIN_DRIVERS.map((d) => [d, figuresOf(summary, twins[d], expected, snapshots)]),
      ) as Record<TwinDriver, TwinFigures>;
      rows.push(
        `| ${name} | ${cell(figures, (f) => String(f.lost))} | ${cell(figures, (f) => String(f.duplicates))} | ` +
          `${cell(figures, (f) => String(f.backlogPeak))} | ` +
          `${cell(figures, (f) => (f.rebalanceMs === null ? '—' : `${f.rebalanceMs} ms`))} | ` +
          `${cell(figures, diagnosisText)} | ${cell(figures, (f) => f.brokerTable)} |`,
      );
    }
  }
  console.log('');
  console.log('Each cell: node / java.');
  console.log(
    '| problem | lost | duplicates | backlog peak | rebalance (longest) | diagnosis fired, after its cause | ' +
      'broker filters with |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}
