/**
 * The coordinator killed with -9 in the middle of a run: the watchdog must reap every
 * process the run started (JVMs and fleet workers) within 5 s, and remove the work dir.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listRunStates, type RunStateData } from '../../src/runtime/run-state.ts';
import { cachePaths } from '../../src/setup/cache-dir.ts';
import { BIN } from '../support/cli.ts';
import { waitFor } from '../support/wait-for.ts';
import { isSameProcess } from '../../src/util/process-info.ts';

const reports = mkdtempSync(join(tmpdir(), 'rmq-chaos-kill9-'));
afterAll(() => rmSync(reports, { recursive: true, force: true }));

describe('coordinator killed with -9', () => {
  it('leaves nothing running: the watchdog reaps the cluster and the fleet', async () => {
    const coordinator = spawn(
      process.execPath,
      [BIN, 'run', 'smoke', '--set', 'phases.load=60s', '--set', 'phases.warmup=1s', '--reports', reports],
      { stdio: 'ignore' },
    );
    const ownState = (): RunStateData | undefined =>
      listRunStates(cachePaths().runs).find((s) => s.data.coordinatorPid === coordinator.pid)?.data;
    // Wait until the load phase: JVMs, consumers and the producer all exist.
    const state = await waitFor(
      () => {
        const data = ownState();
        const runDir = readdirSync(reports)[0];
        const loading =
          runDir &&
          existsSync(join(reports, runDir, 'events.ndjson')) &&
          /"phase":"load"/.test(readFileSync(join(reports, runDir, 'events.ndjson'), 'utf8'));
        return data && loading && data.processes.some((p) => p.name.startsWith('producer')) ? data : undefined;
      },
      180_000,
      'the load phase',
    );
    const recorded = state.processes;
    expect(recorded.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'watchdog',
        'namesrv-0',
        'broker-a',
        'consumer billing#0',
        'consumer billing#1',
        'producer orders#0',
      ]),
    );
    expect(recorded.every((p) => isSameProcess(p.pid, p.startTicks))).toBe(true);

    coordinator.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      () => (recorded.every((p) => !isSameProcess(p.pid, p.startTicks)) ? true : undefined),
      5000,
      'every recorded process to die',
    );
    const took = Date.now() - killedAt;
    await waitFor(() => (!existsSync(state.workDir) ? true : undefined), 5000, 'the work dir to be removed');
    expect(ownState()).toBeUndefined();
    process.stdout.write(`coordinator -9: ${recorded.length} processes reaped in ${took} ms\n`);
  });
});
