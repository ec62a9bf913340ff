/**
 * `rmq-chaos compare` as users run it, on copies of a recorded run: an unchanged copy passes
 * (exit 0), a copy with a regression injected is flagged (exit 99), unreadable input is exit 2.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunSummary, SUMMARY_SCHEMA_VERSION } from '../../src/result/run-summary.ts';
import { BIN } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIXTURE = 'test/fixtures/runs/zombie-consumer';

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** A copy of the fixture run folder, its summary edited by `edit`. */
function copyRun(name: string, edit: (s: RunSummary) => void = () => {}): string {
  const runDir = join(dir, name);
  cpSync(FIXTURE, runDir, { recursive: true });
  const file = join(runDir, 'summary.json');
  const summary = JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
  edit(summary);
  writeFileSync(file, JSON.stringify(summary));
  return runDir;
}

describe('rmq-chaos compare', () => {
  it('passes an unchanged run with exit 0', () => {
    const { code, out } = cli('compare', FIXTURE, copyRun('same'));
    expect(out).toMatch(/^acked\/s\s+49\/s\s+49\/s\s+±0\/s \(±0\.0%\)\s+-10%\s+✓$/m);
    expect(out).toContain('verdict: PASS');
    expect(code).toBe(0);
  });

  it('flags throughput cut 30% and p99 doubled with exit 99', () => {
    const current = copyRun('slower', (s) => {
      s.producers.ackedPerSecond = Math.round(s.producers.ackedPerSecond * 0.7);
      s.latency.e2e.p99 = (s.latency.e2e.p99 ?? 0) * 2;
    });
    const { code, out } = cli('compare', `${FIXTURE}/summary.json`, current);
    expect(out).toMatch(/^acked\/s\s+49\/s\s+34\/s\s+−15\/s \(−30\.6%\)\s+-10%\s+✗ regressed$/m);
    const e2eRow = /^e2e p99\s+46207 ms\s+92414 ms\s+\+46207 ms \(\+100\.0%\)\s+\+20% and \+5 ms\s+✗ regressed$/m;
    expect(out).toMatch(e2eRow);
    expect(out).toContain('verdict: REGRESSION (2 of 9: acked/s, e2e p99)');
    expect(code).toBe(99);

    const json = cli('compare', FIXTURE, current, '--json');
    expect(json.code).toBe(99);
    const parsed = JSON.parse(json.out) as { schema: string; verdict: string; regressions: string[] };
    expect(parsed).toMatchObject({
      schema: 'rmq-chaos/comparison',
      verdict: 'regression',
      regressions: ['throughput', 'e2e_p99'],
    });
  });

  it("takes tolerances from a plan's compare section with --plan", () => {
    const current = copyRun('slower-tolerated', (s) => {
      s.producers.ackedPerSecond = Math.round(s.producers.ackedPerSecond * 0.7);
    });
    const plan = join(dir, 'lenient.yaml');
    writeFileSync(
      plan,
      'description: d\ntopics: [{name: t}]\nphases: {load: 5s}\ncompare:\n  tolerances: {throughput: -40%}\n',
    );
    const { code, out } = cli('compare', FIXTURE, current, '--plan', plan);
    expect(out).toMatch(/^acked\/s .* -40%\s+✓$/m);
    expect(code).toBe(0);
  });

  it('exits 2 naming the problem: a missing path, not a summary, another schema version', () => {
    const missing = cli('compare', FIXTURE, join(dir, 'nowhere'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`${join(dir, 'nowhere')}: no such file or directory`);

    const notSummary = join(dir, 'other.json');
    writeFileSync(notSummary, '{"hello": 1}');
    const other = cli('compare', notSummary, FIXTURE);
    expect(other.code).toBe(2);
    expect(other.err).toContain(`${notSummary}: not an rmq-chaos summary.json`);

    const old = copyRun('old', (s) => {
      s.schemaVersion = 2;
    });
    const version = cli('compare', old, FIXTURE);
    expect(version.code).toBe(2);
    expect(version.err).toContain(
      `${join(old, 'summary.json')}: summary schema version 2, but this rmq-chaos reads ` +
        `version ${SUMMARY_SCHEMA_VERSION}`,
    );

    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{');
    expect(cli('compare', FIXTURE, notJson).err).toMatch(/broken\.json: not a summary\.json \(not JSON/);
  });

  it('run --baseline reads the baseline before starting anything: a bad one is exit 2', () => {
    const run = cli('run', 'smoke', '--baseline', join(dir, 'no-baseline'));
    expect(run.code).toBe(2);
    expect(run.err).toContain(`${join(dir, 'no-baseline')}: no such file or directory`);
    expect(run.err + run.out).not.toMatch(/starting|\[cluster\]/);
  });
});
