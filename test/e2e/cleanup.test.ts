import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunStateData } from '../../src/runtime/run-state.ts';
import { isProcessAlive, processStartTicks } from '../../src/util/process-info.ts';
import { BIN } from '../support/cli.ts';

const cache = mkdtempSync(join(tmpdir(), 'rmq-chaos-cleanup-'));
const spawned: number[] = [];
afterAll(() => {
  for (const pid of spawned) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(cache, { recursive: true, force: true });
});

function recordRun(
  runId: string,
  coordinatorPid: number,
  kind: 'run' | 'cluster',
): { pid: number; workDir: string; stateDir: string } {
  const child = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid!;
  spawned.push(pid);
  const workDir = join(cache, 'work', runId);
  mkdirSync(workDir, { recursive: true });
  const stateDir = join(cache, 'runs', runId);
  mkdirSync(stateDir, { recursive: true });
  const data: RunStateData = {
    runId,
    kind,
    coordinatorPid,
    coordinatorStartTicks: processStartTicks(coordinatorPid),
    createdAt: new Date().toISOString(),
    workDir,
    keep: false,
    ports: [],
    processes: [{ name: 'broker-a', pid, pgid: pid, startTicks: processStartTicks(pid) }],
  };
  writeFileSync(join(stateDir, 'state.json'), JSON.stringify(data));
  return { pid, workDir, stateDir };
}

function cleanup(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'cleanup', ...args], {
    encoding: 'utf8',
    env: { ...process.env, RMQ_CHAOS_CACHE: cache },
  });
}

describe('rmq-chaos cleanup', () => {
  it('reaps runs whose coordinator is gone, keeps live runs and `cluster up` clusters unless --all', () => {
    const deadCoordinator = 2 ** 22 + 12345; // above pid_max's default: never a live process
    const crashed = recordRun('crashed', deadCoordinator, 'run');
    const live = recordRun('live', process.pid, 'run');
    const kept = recordRun('manual', deadCoordinator, 'cluster');

    const first = cleanup();
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/reaped crashed: killed broker-a/);
    expect(first.stdout).toMatch(/kept\s+live: run in progress/);
    expect(first.stdout).toMatch(/kept\s+manual: cluster up/);
    expect(existsSync(crashed.workDir) || existsSync(crashed.stateDir)).toBe(false);
    expect(isProcessAlive(crashed.pid)).toBe(false);
    expect(isProcessAlive(live.pid) && isProcessAlive(kept.pid)).toBe(true);

    const all = cleanup('--all');
    expect(all.stdout).toMatch(/reaped manual/);
    expect(isProcessAlive(live.pid)).toBe(true);
    expect(existsSync(kept.stateDir)).toBe(false);
  });
});
