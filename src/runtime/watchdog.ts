import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT, tsxNodeArgs } from '../util/node-args.ts';
import { processStartTicks } from '../util/process-info.ts';
import type { RecordedProcess } from './run-state.ts';

const WATCHDOG_MAIN = fileURLToPath(new URL('./watchdog-main.ts', import.meta.url));

/** Starts the run's watchdog in its own session so a signal to our group does not reach it. */
export function startWatchdog(stateDir: string): RecordedProcess {
  const child = spawn(process.execPath, [...tsxNodeArgs(), WATCHDOG_MAIN, stateDir], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  const pid = child.pid!;
  return { name: 'watchdog', pid, pgid: pid, startTicks: processStartTicks(pid) };
}
