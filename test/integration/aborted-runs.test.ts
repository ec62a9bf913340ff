/**
 * A run stopped before its verdict still writes summary.json, verdict `aborted`, saying why,
 * where and what was cleaned up (as the resource owner released it), valid against the schema
 * (runCli checks every summary), with the exit code of its cause: Ctrl-C in the warmup (130,
 * nothing left running) and an external cluster nobody listens for (1, within seconds). An
 * aborted run is no baseline (exit 2, one line).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AbortedRunSummary } from '../../src/result/run-summary.ts';
import { listRunStates, type RunStateData } from '../../src/runtime/run-state.ts';
import { cachePaths } from '../../src/setup/cache-dir.ts';
import { isSameProcess } from '../../src/util/process-info.ts';
import { BIN } from '../support/cli.ts';
import { readEvents, runCli } from '../support/run-cli.ts';
import { waitFor } from '../support/wait-for.ts';

/** A loopback port nothing listens on (bound by the OS, then closed). */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const stateOf = (pid: number): RunStateData | undefined =>
  listRunStates(cachePaths().runs).find((s) => s.data.coordinatorPid === pid)?.data;

describe('a run stopped before its verdict', () => {
  it('Ctrl-C in the warmup: exit 130, summary aborted with the signal, phase and every process stopped', async () => {
    let state: RunStateData | undefined;
    const run = await runCli('smoke', ['phases.warmup=60s'], async (pid, reportsDir) => {
      // In the warmup with its consumer started: the cluster and a worker are running.
      state = await waitFor(
        () => {
          const data = stateOf(pid);
          const [dir] = existsSync(reportsDir) ? listDirs(reportsDir) : [];
          const events = dir ? readEvents(join(reportsDir, dir)) : [];
          return data && events.some((e) => e.type === 'consumers-ready') ? data : undefined;
        },
        180_000,
        'the warmup with consumers ready',
      );
      process.kill(pid, 'SIGINT');
    });
    expect(run.code, run.output).toBe(130);
    expect(run.output).toContain('run stopped by SIGINT; everything it started was stopped');
    const s = run.summary as unknown as AbortedRunSummary;
    expect(s.verdict).toBe('aborted');
    expect(s.aborted).toMatchObject({
      kind: 'signal',
      signal: 'SIGINT',
      reason: 'run aborted (SIGINT)',
      phase: 'warmup',
    });
    expect(s.aborted.atMs).toBeGreaterThan(s.phases.warmup!.startMs);
    expect(s.cluster.namesrvAddr).not.toBeNull();
    expect(s.producers.attempted).toBe(0);
    expect(s).not.toHaveProperty('checks');
    // What was cleaned up is what the run had started, each named with its pid.
    const { cleanup } = s.aborted;
    expect(cleanup.steps.map((step) => [step.name, step.ok])).toEqual([
      ['observer', true],
      ['faults', true],
      ['sampler', true],
      ['roles', true],
      ['cluster', true],
    ]);
    const recorded = state!.processes.filter((p) => p.name !== 'watchdog');
    const released = cleanup.processes.map((p) => `${p.name} ${p.pid} ${p.stoppedBy}`);
    for (const p of recorded) expect(released).toContain(`${p.name} ${p.pid} release`);
    expect(cleanup.processes.map((p) => p.name)).toEqual(
      expect.arrayContaining(['namesrv-0', 'broker-a', 'consumer billing#0']),
    );
    expect(cleanup.workDir).toEqual({ path: state!.workDir, deleted: true });
    // Nothing is left running, nothing left on disk but the report.
    for (const p of state!.processes)
      expect(isSameProcess(p.pid, p.startTicks), `${p.name} (pid ${p.pid}) survived`).toBe(false);
    expect(existsSync(state!.workDir)).toBe(false);
    expect(readEvents(run.runDir!).find((e) => e.type === 'aborted')).toMatchObject({
      kind: 'signal',
      phase: 'warmup',
    });
    expect(readFileSync(join(run.runDir!, 'summary.md'), 'utf8')).toContain('ABORTED');
    expect(run.output).toMatch(/^plan smoke: ABORTED after [\d.]+ s, in phase warmup/m);
  }, 240_000);

  it('Ctrl-C while the cluster starts: exit 130, summary aborted in phase cluster, the nodes stopped', async () => {
    let state: RunStateData | undefined;
    const run = await runCli('smoke', [], async (pid, reportsDir) => {
      // The name server is up, the cluster is not ready yet.
      state = await waitFor(
        () => {
          const data = stateOf(pid);
          const [dir] = existsSync(reportsDir) ? listDirs(reportsDir) : [];
          const ready = dir ? readEvents(join(reportsDir, dir)).some((e) => e.type === 'cluster-ready') : false;
          return data && !ready && data.processes.some((p) => p.name === 'namesrv-0') ? data : undefined;
        },
        120_000,
        'the name server started',
      );
      process.kill(pid, 'SIGINT');
    });
    expect(run.code, run.output).toBe(130);
    const s = run.summary as unknown as AbortedRunSummary;
    expect(s.verdict).toBe('aborted');
    // A cluster start is not cut short: the run stops as soon as it returns, still in phase cluster.
    expect(s.aborted).toMatchObject({ kind: 'signal', signal: 'SIGINT', phase: 'cluster' });
    expect(Object.keys(s.phases)).toEqual(['cluster']);
    expect(s.aborted.cleanup.processes.map((p) => p.name)).toEqual(expect.arrayContaining(['namesrv-0', 'broker-a']));
    for (const p of s.aborted.cleanup.processes) expect(p.stoppedBy, p.name).toBe('release');
    for (const p of state!.processes)
      expect(isSameProcess(p.pid, p.startTicks), `${p.name} (pid ${p.pid}) survived`).toBe(false);
  }, 180_000);

  it('an unreachable external cluster: exit 1 within seconds, aborted with the reason; no baseline', async () => {
    const addr = `127.0.0.1:${await unusedPort()}`;
    const started = Date.now();
    const run = await runCli('smoke', ['cluster.provider=external', `cluster.namesrvAddr=${addr}`]);
    const tookMs = Date.now() - started;
    expect(run.code, run.output).toBe(1);
    expect(tookMs, 'connection refused needs no timeout').toBeLessThan(20_000);
    expect(run.output).toContain(`rmq-chaos: the name server at ${addr} (cluster.namesrvAddr) did not answer`);
    const s = run.summary as unknown as AbortedRunSummary;
    expect(s).toMatchObject({
      verdict: 'aborted',
      cluster: { provider: 'external', startMs: null, namesrvAddr: null, brokers: [] },
      aborted: {
        kind: 'external-unreachable',
        phase: 'cluster',
        reason: expect.stringContaining(`the name server at ${addr}`),
        hint: expect.stringContaining('check that a RocketMQ name server listens'),
        cleanup: { steps: [], processes: [], workDir: { deleted: true } },
      },
      totals: { acked: 0, receipts: 0 },
    });
    expect(s.aborted).not.toHaveProperty('signal');
    const index = readFileSync(join(run.runDir!, '..', 'index.html'), 'utf8');
    expect(index).toContain('<span class="verdict">aborted</span>');
    expect(index).toContain(`in cluster: the name server at ${addr}`);

    // Neither `compare` nor `run --baseline` takes it: one line, exit 2, before anything starts.
    for (const args of [
      ['compare', run.runDir!, run.runDir!],
      ['run', 'smoke', '--baseline', run.runDir!],
    ]) {
      const refused = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
      expect(refused.status, refused.stderr).toBe(2);
      expect(refused.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/was aborted \(in cluster: the name server at .*\) and measured nothing to compare/),
      ]);
    }
  }, 60_000);
});

function listDirs(reportsDir: string): string[] {
  return readdirSync(reportsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}
