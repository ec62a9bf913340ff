/**
 * A bounded store for a broker: a tmpfs of a fixed size mounted on its store dir, so a
 * `disk.fill` fault fills that filesystem and never the machine's own disk. Mounting needs
 * root (the one capability the harness asks for here); the run records each mount in its
 * state file, and whoever ends the run (its release, `cleanup`, the watchdog) unmounts it
 * before removing the work dir: a mount left behind would pin memory and make the dir
 * impossible to remove.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { EnvironmentError } from '../util/errors.ts';

const run = promisify(execFile);

/** Mounts a tmpfs of `bytes` on `dir` (created if absent). */
export async function mountTmpfs(dir: string, bytes: number): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(
      'store-mount',
      `a bounded broker store (cluster.storeSize, needed by disk faults) is a tmpfs mounted on ${dir}, ` +
        'which needs root',
      'run as root, or remove the disk faults and cluster.storeSize from the plan',
    );
  }
  mkdirSync(dir, { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'rmq-chaos-store', dir]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new EnvironmentError(
      'store-mount',
      `could not mount a ${bytes}-byte tmpfs on ${dir}: ${stderr || (error as Error).message}`,
      'check that this machine allows tmpfs mounts (a container may need CAP_SYS_ADMIN)',
      { cause: error },
    );
  }
}

/**
 * Unmounts `dir` lazily (detached now, freed once nothing uses it: a JVM killed a moment ago
 * may still hold its mapped files). True when it was mounted; never throws.
 */
export function unmountSync(dir: string): boolean {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
