import { readFileSync } from 'node:fs';

/**
 * True when a process with this pid exists and is not a zombie (signal 0 probes without
 * touching it; a killed child whose parent has not reaped it yet still answers signal 0,
 * and in a container whose PID 1 does not reap, it may answer for a long time).
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return processState(pid) !== 'Z';
}

/** The one-letter state of /proc/<pid>/stat (R, S, T, Z, ...), undefined when unreadable. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
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
