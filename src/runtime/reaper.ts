import { rmSync } from 'node:fs';
import { isSameProcess, signalGroup } from '../util/process-info.ts';
import { reapContainersSync } from './container-reaper.ts';
import type { RunStateData } from './run-state.ts';
import { releaseRecordedStoresSync } from './loop-store.ts';

export interface ReapResult {
  runId: string;
  killed: string[];
  removedWorkDir: boolean;
}

/**
 * Kills every process group a dead run recorded (SIGKILL: there is nobody left to wait for a
 * graceful stop; SIGCONT first so a SIGSTOPped group dies at once) and removes its work dir.
 * Only groups whose leader is still the very process we recorded are signalled. Containers of
 * the `containers` provider are force-removed by their run label, then its networks; bounded
 * broker stores are unthrottled, unmounted and their loop devices detached.
 */
export function reapRun(data: RunStateData, stateDir: string): ReapResult {
  const killed: string[] = [];
  for (const proc of data.processes) {
    // The watchdog is recorded too (so `cleanup` can end it); it must not kill itself first.
    if (proc.pid === process.pid || !isSameProcess(proc.pid, proc.startTicks)) continue;
    signalGroup(proc.pgid, 'SIGCONT');
    if (signalGroup(proc.pgid, 'SIGKILL')) killed.push(`${proc.name} (pid ${proc.pid})`);
  }
  if (data.containers) killed.push(...reapContainersSync(data.containers));
  killed.push(...releaseRecordedStoresSync(data));
  let removedWorkDir = false;
  if (!data.keep) {
    rmSync(data.workDir, { recursive: true, force: true });
    removedWorkDir = true;
  }
  rmSync(stateDir, { recursive: true, force: true });
  return { runId: data.runId, killed, removedWorkDir };
}
