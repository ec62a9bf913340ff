/**
 * The watchdog: one detached process per run that outlives a coordinator killed with -9.
 * It polls the coordinator every 250 ms; when it is gone while the run's state file still
 * exists, it reaps every recorded process group. When the state file disappears (the run
 * ended cleanly) it exits. Started by `startWatchdog`; argv[2] is the run's state dir.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { reapRun } from './reaper.ts';
import { isCoordinatorAlive, readRunState } from './run-state.ts';

const stateDir = process.argv[2];
if (!stateDir) throw new Error('usage: watchdog-main <run-state-dir>');
const stateFile = join(stateDir, 'state.json');

const timer = setInterval(() => {
  if (!existsSync(stateFile)) {
    clearInterval(timer);
    return;
  }
  const data = readRunState(stateFile);
  if (!data || isCoordinatorAlive(data)) return;
  clearInterval(timer);
  reapRun(data, stateDir);
}, 250);
