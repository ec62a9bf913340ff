import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunResources } from '../../../src/runtime/run-resources.ts';
import { RunState } from '../../../src/runtime/run-state.ts';
import { cachePaths } from '../../../src/setup/cache-dir.ts';
import { isProcessAlive } from '../../../src/util/process-info.ts';

function resourcesFor(name: string, keep = false): RunResources {
  const runId = `unit-resources-${name}-${process.pid}-${Date.now()}`;
  const workDir = join(tmpdir(), 'rmq-chaos', runId);
  mkdirSync(workDir, { recursive: true });
  return new RunResources(RunState.create(cachePaths().runs, { runId, workDir, keep }), () => {});
}

function spawnBash(resources: RunResources, name: string, script: string) {
  return resources.spawn({
    name,
    command: 'bash',
    args: ['-c', script],
    cwd: resources.workDir,
    env: process.env,
    logFile: join(resources.workDir, `${name}.log`),
  });
}

describe('RunResources.release', () => {
  it('reports each step, each process with who ended it, and the work folder', async () => {
    const resources = resourcesFor('report');
    const finished = spawnBash(resources, 'finishes', 'exit 3');
    const stoppedEarlier = spawnBash(resources, 'stopped-earlier', 'sleep 30');
    const running = spawnBash(resources, 'running', 'sleep 30');
    await finished.exited;
    await stoppedEarlier.stop(1000);
    const order: string[] = [];
    resources.defer('cluster', async () => {
      order.push('cluster');
    });
    resources.defer('faults', async () => {
      order.push('faults');
      throw new Error('toxiproxy did not answer');
    });

    const report = await resources.release(1000);

    expect(order).toEqual(['faults', 'cluster']);
    expect(report.steps).toEqual([
      { name: 'faults', ok: false, error: 'toxiproxy did not answer' },
      { name: 'cluster', ok: true },
    ]);
    expect(report.processes).toEqual([
      { name: 'finishes', pid: finished.pid, exit: 'exit 3', stoppedBy: 'itself' },
      { name: 'stopped-earlier', pid: stoppedEarlier.pid, exit: 'SIGTERM', stoppedBy: 'before-release' },
      { name: 'running', pid: running.pid, exit: 'SIGTERM', stoppedBy: 'release' },
    ]);
    expect(isProcessAlive(running.pid)).toBe(false);
    expect(report.workDir).toEqual({ path: resources.workDir, deleted: true });
    expect(existsSync(resources.workDir)).toBe(false);
    expect(report.containers).toBeUndefined();
    // A second release does nothing again and says the same.
    await expect(resources.release()).resolves.toBe(report);
  });

  it('says the work folder was kept with --keep', async () => {
    const resources = resourcesFor('keep', true);
    const report = await resources.release();
    expect(report.workDir).toEqual({ path: resources.workDir, deleted: false });
    expect(existsSync(resources.workDir)).toBe(true);
    rmSync(resources.workDir, { recursive: true, force: true });
  });
});
