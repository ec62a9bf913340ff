/**
 * The load-phase workloads on a real cluster, each on a short plan: `rate: max` reports a rate
 * and a curve of at least three steps (the search moves the producers' rate live over
 * set-rate), and `backlog: {build: 2000, then: drain}` holds the consumers until the backlog is
 * built, then reports the drain's time and rate. Both pass their thresholds on the new metrics.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/result/run-summary.ts';
import { summarySchemaErrors } from '../../src/result/summary-schema.ts';
import { BIN } from '../support/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'rmq-chaos-workloads-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RUN_MS = 150_000;

/** Runs a plan through the CLI into its own reports folder; its summary and output. */
async function run(
  name: string,
  plan: string,
): Promise<{ summary: RunSummary; output: string; status: number | null }> {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, plan);
  const reports = join(work, `reports-${name}`);
  // Not spawnSync: the test worker must keep answering vitest while the run takes its minute.
  const child = spawn(process.execPath, [BIN, 'run', file, '--reports', reports], { timeout: RUN_MS });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const result = { status };
  const output = text;
  const [runDir] = readdirSync(reports).filter((f) => f !== 'index.html');
  const summary = JSON.parse(readFileSync(join(reports, runDir!, 'summary.json'), 'utf8')) as RunSummary;
  const markdown = readFileSync(join(reports, runDir!, 'summary.md'), 'utf8');
  return { summary, output: `${output}\n${markdown}`, status: result.status };
}

const HEAD = `
topics: [{name: bulk, queues: 4}]
phases: {warmup: 3s, load: 12s, drain: 20s}
`;

describe('load-phase workloads on a real cluster', () => {
  it('rate: max reports a rate and the curve it found it on', { timeout: RUN_MS }, async () => {
    // A generous bound: the test is about the search running live on a real cluster, not
    // about this machine's capacity (other work shares its two cores).
    const { summary, output, status } = await run(
      'rate-max',
      `description: rate search, shortened${HEAD}
fleets:
  producers:
    - {name: load, topic: bulk, instances: 2, rate: {max: {p99: 2s, step: 2s, from: 50/s, to: 1000/s}}}
  consumers:
    - {name: sink, subscription: {bulk: "*"}}
thresholds:
  max_rate: ["value>0"]
  loss: ["count==0"]
`,
    );
    expect(status, output).toBe(0);
    expect(summarySchemaErrors(summary)).toEqual([]);
    const search = summary.rateSearch!;
    // Above `from`: the producers really sent at the rates the search asked for.
    expect(search.maxRatePerSecond, output).toBeGreaterThan(50);
    expect(search.steps.length, output).toBeGreaterThanOrEqual(3);
    // The rate moved: each step offered its own rate, and the producers sent at it.
    expect(new Set(search.steps.map((s) => s.offeredPerSecond)).size).toBe(search.steps.length);
    const sustained = search.steps.filter((s) => s.sustainable);
    expect(sustained.map((s) => s.offeredPerSecond)).toContain(search.maxRatePerSecond);
    for (const step of sustained) expect(step.achievedPerSecond).toBeGreaterThanOrEqual(0.9 * step.offeredPerSecond);
    expect(summary.checks.find((c) => c.metric === 'max_rate')).toMatchObject({ ok: true });
    expect(output).toMatch(/max rate \d+\/s/);
    expect(output).toMatch(/### Rate search/);
  });

  it('backlog: {build: 2000, then: drain} holds the consumers, then measures the drain', {
    timeout: RUN_MS,
  }, async () => {
    const { summary, output, status } = await run(
      'backlog',
      `description: backlog build and drain, small${HEAD}
fleets:
  producers:
    - {name: load, topic: bulk, rate: 1000/s}
  consumers:
    - {name: sink, subscription: {bulk: "*"}}
backlog: {build: 2000, then: drain}
thresholds:
  drain_time: ["value<20s"]
  drain_rate: ["value>0"]
  loss: ["count==0"]
`,
    );
    expect(status, output).toBe(0);
    expect(summarySchemaErrors(summary)).toEqual([]);
    const drain = summary.backlogDrain!;
    expect(drain).toMatchObject({ target: 2000, built: true });
    expect(drain.backlogAtRelease).toBeGreaterThanOrEqual(2000);
    expect(drain.drainedMessages).toBeGreaterThanOrEqual(2000);
    expect(drain.drainMs).toBeGreaterThan(0);
    expect(drain.drainRatePerSecond).toBeGreaterThan(0);
    // Nothing was consumed while held: the build took at least the 2000 messages' sending time.
    expect(drain.buildMs).toBeGreaterThanOrEqual(1900);
    // The producers stopped at the release: far fewer than the 12 s load phase's 12 000 messages.
    expect(summary.producers.acked).toBeLessThan(6000);
    expect(summary.totals).toMatchObject({ lost: 0, drained: true });
    expect(output).toMatch(/backlog built \d+ of 2000/);
  });
});
