/**
 * `k8s run`'s orchestration against a fake kubectl (test/fixtures/fake-kubectl.mjs), which
 * records every call: apply, follow, faults applied at their phase, exit code, report copy,
 * and the delete by the run's labels after a pass, a failure, an abort and a real SIGINT.
 * No cluster: this is the only way `k8s run` has been run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Kubectl } from '../../../src/k8s/run/kubectl.ts';
import { runOnKubernetes } from '../../../src/k8s/run/k8s-run.ts';
import { renderK8s } from '../../../src/k8s/render.ts';
import { EnvironmentError } from '../../../src/util/errors.ts';
import { loadForRender, options } from './render-fixture.ts';

const FAKE = new URL('../../fixtures/fake-kubectl.mjs', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  delete process.env.FAKE_KUBECTL_LOG;
  delete process.env.FAKE_KUBECTL_SCENARIO;
});

function workspace(scenario: string): { dir: string; calls: () => string[][] } {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-run-'));
  dirs.push(dir);
  process.env.FAKE_KUBECTL_LOG = join(dir, 'calls.ndjson');
  process.env.FAKE_KUBECTL_SCENARIO = scenario;
  const calls = () =>
    existsSync(join(dir, 'calls.ndjson'))
      ? readFileSync(join(dir, 'calls.ndjson'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as string[])
      : [];
  return { dir, calls };
}

const SELECTOR = 'app.kubernetes.io/managed-by=rmq-chaos,rmq-chaos/run=rc-test-abcde';

async function run(scenario: string, over: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const ws = workspace(scenario);
  const { plan, raw } = await loadForRender('test/fixtures/k8s-plans/cluster-faults.yaml');
  const files = renderK8s(plan, raw, options()).files;
  const lines: string[] = [];
  const outcome = await runOnKubernetes({
    runId: 'rc-test-abcde',
    files,
    kubectl: new Kubectl(FAKE, 'load', 'test-context'),
    manifestDir: join(ws.dir, 'manifests'),
    reportsDir: join(ws.dir, 'reports'),
    timeoutMs: over.timeoutMs ?? 20_000,
    keep: false,
    signal: over.signal ?? new AbortController().signal,
    log: (l) => lines.push(l),
    pollMs: 20,
  });
  return { outcome, calls: ws.calls(), lines, dir: ws.dir };
}

const deleted = (calls: string[][]) =>
  calls.filter((c) => c.includes('delete')).map((c) => c.slice(c.indexOf('delete')).join(' '));

describe('k8s run against a fake kubectl', () => {
  it('applies, follows, applies each phase’s faults, returns the exit code, copies reports, deletes', async () => {
    const { outcome, calls, lines, dir } = await run('pass');
    expect(outcome.error).toBeUndefined();
    expect(outcome.exitCode).toBe(0);
    expect(calls.every((c) => c[0] === '--context' && c[1] === 'test-context' && c[3] === 'load')).toBe(true);
    const applied = calls.filter((c) => c.includes('apply')).map((c) => c.slice(c.indexOf('-f') + 1).join(' '));
    expect(applied.slice(0, 4).map((a) => a.replace(/^.*\//, ''))).toEqual([
      '00-secret.yaml',
      '10-plan.yaml',
      '20-agents.yaml',
      '30-coordinator.yaml',
    ]);
    // The fake's log shows warmup, load, chaos: each phase's Workflows when it begins.
    expect(applied.slice(4).map((a) => a.replace(/^\S*\//, ''))).toEqual([
      '40-faults.yaml -l rmq-chaos/phase=warmup',
      '40-faults.yaml -l rmq-chaos/phase=load',
      '40-faults.yaml -l rmq-chaos/phase=chaos',
    ]);
    expect(lines).toContain('[load 2s/10s] run 7s  sent 200');
    expect(calls.some((c) => c.includes('cp') && c.includes('rc-pod-coordinator-x7k2p:/reports'))).toBe(true);
    expect(existsSync(join(dir, 'reports/k8s-rc-test-abcde/20261206-120000-plan/summary.json'))).toBe(true);
    expect(deleted(calls)).toEqual([
      `delete jobs,services,configmaps,secrets,persistentvolumeclaims,workflows.chaos-mesh.org -l ${SELECTOR} ` +
        '--ignore-not-found --wait=false',
    ]);
    // The token is in the Secret file only, never in a kubectl argument or a log line.
    expect(JSON.stringify(calls)).not.toContain('not-a-real-token');
    expect(lines.join('\n')).not.toContain('not-a-real-token');
  });

  it('returns the coordinator’s 99 when its checks failed', async () => {
    const { outcome } = await run('checks-failed');
    expect(outcome.exitCode).toBe(99);
  });

  it('cleans up after a kubectl failure, and says what failed', async () => {
    const { outcome, calls } = await run('apply-fails');
    expect(outcome.exitCode).toBeUndefined();
    expect(String((outcome.error as Error).message)).toMatch(
      /20-agents.yaml failed \(exit 1\): error: error validating/,
    );
    expect(deleted(calls)).toHaveLength(1);
  });

  it('cleans up after its timeout (a coordinator that never starts)', async () => {
    const { outcome, calls } = await run('no-pod', { timeoutMs: 300 });
    expect(outcome.error).toBeInstanceOf(EnvironmentError);
    expect(deleted(calls)).toHaveLength(1);
  });

  it('cleans up when aborted while following the log', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort('SIGINT'), 500);
    const { outcome, calls } = await run('hang', { signal: abort.signal });
    expect(String((outcome.error as Error).message)).toBe('stopped by SIGINT');
    expect(deleted(calls)).toHaveLength(1);
    expect(calls.some((c) => c.includes('cp'))).toBe(false);
  });
});

describe('rmq-chaos k8s run, the command', () => {
  it('exits 130 on SIGINT after deleting what it created', async () => {
    const ws = workspace('hang');
    writeFileSync(join(ws.dir, 'token'), 'a-token-of-sixteen-chars\n');
    const child = spawn(
      process.execPath,
      [
        'bin/rmq-chaos.js',
        'k8s',
        'run',
        'test/fixtures/k8s-plans/cluster-faults.yaml',
        '--kubectl',
        FAKE,
        '--namesrv',
        'ns:9876',
        '--reports',
        join(ws.dir, 'reports'),
        '--token-file',
        join(ws.dir, 'token'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
    );
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // One Ctrl-C, once the coordinator's log is being followed.
      if (!sent && stderr.includes('[chaos 1s/30s]')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toContain('SIGINT: stopping');
    expect(code).toBe(130);
    expect(deleted(ws.calls())).toHaveLength(1);
    expect(JSON.stringify(ws.calls())).not.toContain('a-token-of-sixteen-chars');
  }, 20_000);
});
