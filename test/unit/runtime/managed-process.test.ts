import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManagedProcess } from '../../../src/runtime/managed-process.ts';
import { isProcessAlive } from '../../../src/util/process-info.ts';

const dirs: string[] = [];
const procs: ManagedProcess[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-test-'));
  dirs.push(dir);
  return dir;
}
function start(script: string): ManagedProcess {
  const dir = tempDir();
  const proc = new ManagedProcess({
    name: 'test',
    command: 'bash',
    args: ['-c', script],
    cwd: dir,
    env: process.env,
    logFile: join(dir, 'out.log'),
  });
  procs.push(proc);
  return proc;
}

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ManagedProcess', () => {
  it('resolves waitForLine when the line appears', async () => {
    const proc = start('echo booting; sleep 0.3; echo "The Name Server boot success"; sleep 30');
    await expect(proc.waitForLine(/boot success/, 10_000)).resolves.toContain('boot success');
  });

  it('rejects with the last lines when the process exits first', async () => {
    const proc = start('echo "Error: port in use" >&2; exit 3');
    await expect(proc.waitForLine(/boot success/, 10_000)).rejects.toThrow(/code 3[\s\S]*port in use/);
  });

  it('rejects on timeout naming the log file', async () => {
    const proc = start('sleep 30');
    await expect(proc.waitForLine(/never/, 300)).rejects.toThrow(/within 300 ms; see .*out\.log/);
  });

  it('stop() ends the whole process group, children included', async () => {
    const proc = start('sleep 60 & echo child=$!; wait');
    const line = await proc.waitForLine(/child=\d+/, 5000);
    const childPid = Number(line.split('=')[1]);
    expect(isProcessAlive(childPid)).toBe(true);
    await proc.stop(2000);
    await new Promise((r) => setTimeout(r, 100));
    expect(isProcessAlive(childPid)).toBe(false);
  });

  it('stop() kills a process that ignores SIGTERM after the grace period', async () => {
    const proc = start('trap "" TERM; echo ready; while true; do sleep 0.1; done');
    await proc.waitForLine(/ready/, 5000);
    const exit = await proc.stop(300);
    expect(exit.signal).toBe('SIGKILL');
  });

  it('stop() ends a SIGSTOPped process', async () => {
    const proc = start('echo ready; sleep 60');
    await proc.waitForLine(/ready/, 5000);
    proc.signal('SIGSTOP');
    const exit = await proc.stop(2000);
    expect(exit.signal === 'SIGTERM' || exit.signal === 'SIGKILL').toBe(true);
  });
});
