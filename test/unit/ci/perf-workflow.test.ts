/**
 * The GitHub Actions workflows must pass actionlint (syntax, expressions, action inputs,
 * runner labels). actionlint is pinned and installed into the cache by `rmq-chaos setup`, or
 * here on first use, so a fresh machine needs only Go. shellcheck and pyflakes integration is
 * off so the result does not depend on what else the machine has installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureActionlint } from '../../../src/setup/dev-tools.ts';

const WORKFLOWS = '.github/workflows';
let actionlint = '';
const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-actionlint-'));

beforeAll(async () => {
  actionlint = await ensureActionlint((line) => process.stderr.write(`${line}\n`));
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lint(files: string[]) {
  const result = spawnSync(actionlint, ['-shellcheck=', '-pyflakes=', '-no-color', ...files], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const workflowFiles = () =>
  readdirSync(WORKFLOWS)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(WORKFLOWS, f));

describe('GitHub Actions workflows', () => {
  it('pass actionlint', () => {
    const files = workflowFiles();
    expect(files).toContain(join(WORKFLOWS, 'perf.yml'));
    const { code, output } = lint(files);
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('actionlint catches a broken workflow (so the check above can fail)', () => {
    const broken = join(dir, 'broken.yml');
    writeFileSync(
      broken,
      [
        'on: [push, pul_request]',
        'jobs:',
        '  perf:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - run: echo ${{ github.event.no_such_thing.x }}',
        '        if: ${{ steps.missing.outcome == "success" }}',
        '',
      ].join('\n'),
    );
    const { code, output } = lint([broken]);
    expect(code).toBe(1);
    expect(output).toMatch(/unknown Webhook event "pul_request"/);
    expect(output).toMatch(/only single quotes are available for string delimiter/);
  });

  it('perf.yml runs both plans against their committed baselines and uploads the reports whatever happens', () => {
    const workflow = parse(readFileSync(join(WORKFLOWS, 'perf.yml'), 'utf8')) as {
      on: Record<string, unknown>;
      jobs: { perf: { steps: { uses?: string; run?: string; if?: string; with?: Record<string, unknown> }[] } };
    };
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    const steps = workflow.jobs.perf.steps;
    const runs = steps.map((s) => s.run ?? '');
    for (const plan of ['smoke', 'throughput']) {
      expect(runs).toContain(`npm run plan ${plan} -- --baseline perf/baseline/${plan} --reports reports/perf`);
      expect(() => readFileSync(`perf/baseline/${plan}/summary.json`, 'utf8')).not.toThrow();
    }
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('${{ always() }}');
    expect(upload?.with?.path).toBe('reports/');
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-java@'))?.with?.['java-version']).toBe('17');
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe('20');
    const cached = steps.filter((s) => s.uses?.startsWith('actions/cache@')).map((s) => String(s.with?.path));
    expect(cached.join('\n')).toMatch(/~\/\.cache\/rmq-chaos[\s\S]*~\/\.m2\/repository[\s\S]*~\/\.cache\/go-build/);
  });

  it('perf.yml runs the version × HA matrix only when dispatched with matrix ticked, and uploads its folder', () => {
    type Step = { uses?: string; run?: string; if?: string; with?: Record<string, unknown> };
    const workflow = parse(readFileSync(join(WORKFLOWS, 'perf.yml'), 'utf8')) as {
      on: { workflow_dispatch: { inputs: Record<string, { type: string; default: unknown }> } };
      jobs: Record<string, { if?: string; steps: Step[] }>;
    };
    expect(workflow.on.workflow_dispatch.inputs.matrix).toMatchObject({ type: 'boolean', default: false });
    const job = workflow.jobs.matrix!;
    expect(job.if).toBe("${{ github.event_name == 'workflow_dispatch' && inputs.matrix }}");
    // The perf job is not held back by it.
    expect(workflow.jobs.perf!.if).toBeUndefined();
    const runs = job.steps.map((s) => s.run ?? '');
    expect(runs).toContain(
      'npm run rmq-chaos -- matrix smoke --versions 4.9.7,5.3.3 --ha none,master-slave --reports reports/matrix',
    );
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('${{ always() }}');
    expect(upload?.with?.path).toBe('reports/matrix/');
    expect(runs.join('\n')).toContain('reports/matrix/matrix-*/matrix.md');
  });
});
