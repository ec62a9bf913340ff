import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { tsxNodeArgs } from '../../../src/util/node-args.ts';
import { isProcessAlive } from '../../../src/util/process-info.ts';
import { waitFor } from '../../support/wait-for.ts';

const FAKE = join(import.meta.dirname, '../../fixtures/fake-coordinator.ts');
const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

describe('watchdog', () => {
  it('reaps every recorded process group within 5 s of the coordinator being killed with -9', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rmq-chaos-watchdog-'));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    const workDir = join(root, 'work');
    mkdirSync(workDir);
    writeFileSync(join(workDir, 'store.bin'), 'data');
    const coordinator = spawn(process.execPath, [...tsxNodeArgs(), FAKE, join(root, 'runs'), workDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const first = await new Promise<string>((resolve) =>
      createInterface({ input: coordinator.stdout! }).once('line', resolve),
    );
    const { pids, stateDir } = JSON.parse(first) as { pids: number[]; stateDir: string };
    cleanup.push(() => pids.forEach((pid) => isProcessAlive(pid) && process.kill(pid, 'SIGKILL')));
    expect(pids.every(isProcessAlive)).toBe(true);

    coordinator.kill('SIGKILL');
    await waitFor(
      () => (pids.every((pid) => !isProcessAlive(pid)) ? true : undefined),
      5000,
      'every recorded process to die',
    );
    await waitFor(
      () => (!existsSync(stateDir) && !existsSync(workDir) ? true : undefined),
      2000,
      'the state and work dirs to go',
    );
  });
});
