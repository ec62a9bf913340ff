/**
 * However a run ends, nothing it started survives: a signal mid-run (graceful stop, exit
 * 130/143) and a node that fails to boot (exit 1 with its last output, and an aborted summary).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AbortedRunSummary } from '../../src/result/run-summary.ts';
import { summarySchemaErrors } from '../../src/result/summary-schema.ts';
import { listRunStates, type RecordedProcess, type RunStateData } from '../../src/runtime/run-state.ts';
import { cachePaths } from '../../src/setup/cache-dir.ts';
import { BIN } from '../support/cli.ts';
import { waitFor } from '../support/wait-for.ts';
import { isSameProcess } from '../../src/util/process-info.ts';

const reports = mkdtempSync(join(tmpdir(), 'rmq-chaos-lifecycle-'));
afterAll(() => rmSync(reports, { recursive: true, force: true }));

function startRun(reportDir: string, ...sets: string[]) {
  const child = spawn(
    process.execPath,
    [BIN, 'run', 'smoke', '--reports', reportDir, ...sets.flatMap((s) => ['--set', s])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const state = (): RunStateData | undefined =>
    listRunStates(cachePaths().runs).find((s) => s.data.coordinatorPid === child.pid)?.data;
  return { child, exited, state, output: () => output };
}

function inLoadPhase(reportDir: string): boolean {
  const [run] = existsSync(reportDir) ? readdirSync(reportDir) : [];
  const events = run ? join(reportDir, run, 'events.ndjson') : '';
  return Boolean(events && existsSync(events) && readFileSync(events, 'utf8').includes('"phase":"load"'));
}

describe('run lifecycle', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`stops everything on ${signal} and exits ${code}`, async () => {
      const dir = join(reports, signal);
      const run = startRun(dir, 'phases.load=60s', 'phases.warmup=1s');
      const state = await waitFor(
        () => {
          const data = run.state();
          return data && inLoadPhase(dir) && data.processes.some((p) => p.name.startsWith('producer'))
            ? data
            : undefined;
        },
        180_000,
        'the load phase',
      );
      const recorded: RecordedProcess[] = state.processes;
      run.child.kill(signal);
      expect(await run.exited, run.output()).toBe(code);
      expect(run.output()).toContain(`run stopped by ${signal}`);
      for (const p of recorded)
        expect(isSameProcess(p.pid, p.startTicks), `${p.name} (pid ${p.pid}) survived`).toBe(false);
      expect(existsSync(state.workDir)).toBe(false);
      expect(run.state()).toBeUndefined();
    });
  }

  it("exits 1 with the failing node's last output when a broker cannot boot, and stops the rest", async () => {
    const dir = join(reports, 'boot-failure');
    // A store plug-in class that does not exist: the broker's message store cannot be built, so it exits.
    const run = startRun(dir, 'cluster.brokerConfig.messageStorePlugIn=org.example.NoSuchStorePlugin');
    let recorded: RecordedProcess[] = [];
    void waitFor(
      () => {
        const data = run.state();
        if (data) recorded = data.processes;
        return undefined;
      },
      120_000,
      'never',
    ).catch(() => {});
    const code = await run.exited;
    expect(code, run.output()).toBe(1);
    expect(run.output()).toMatch(/\[broker-a\] exited/);
    expect(recorded.length).toBeGreaterThan(0);
    for (const p of recorded)
      expect(isSameProcess(p.pid, p.startTicks), `${p.name} (pid ${p.pid}) survived`).toBe(false);
    // The run still says so in its summary: aborted in phase cluster, the broker ended by itself, the rest stopped.
    const [runDir] = readdirSync(dir).filter((name) => name !== 'index.html');
    const summary = JSON.parse(readFileSync(join(dir, runDir!, 'summary.json'), 'utf8')) as AbortedRunSummary;
    expect(summarySchemaErrors(summary)).toEqual([]);
    expect(summary.verdict).toBe('aborted');
    expect(summary.aborted).toMatchObject({ kind: 'process-exited', phase: 'cluster' });
    expect(summary.aborted.reason).toMatch(/^\[broker-a\] exited/);
    const broker = summary.aborted.cleanup.processes.find((p) => p.name === 'broker-a');
    expect(broker).toMatchObject({ stoppedBy: 'itself' });
    expect(summary.aborted.cleanup.processes.find((p) => p.name === 'namesrv-0')).toMatchObject({
      stoppedBy: 'before-release',
    });
  });
});
