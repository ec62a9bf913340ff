import { readFileSync } from 'node:fs';

/** True when a process with this pid exists (signal 0 probes without touching it). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The kernel's start time of a process (field 22 of /proc/<pid>/stat, in clock ticks).
 * Stored next to every pid we record, so a recycled pid is never mistaken for ours.
 */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and the same process we recorded (not a reused pid). */
export function isSameProcess(pid: number, startTicks: number | undefined): boolean {
  if (!isProcessAlive(pid)) return false;
  if (startTicks === undefined) return true;
  return processStartTicks(pid) === startTicks;
}

/** Sends a signal to a whole process group; ignores groups that are already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
