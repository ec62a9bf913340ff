/**
 * A broker's store on a block device of its own, so `disk.slow` can throttle it: an ext4 image
 * file (sparse, cluster.storeSize) attached to a loop device and mounted on the store dir.
 *
 * Why a loop device: a tmpfs (runtime/tmpfs-store.ts, enough for `disk.fill`) has no block
 * device to throttle, and the machine's own disk is shared with everything else; a loop device
 * is one only this broker writes to, with no kernel module to load. Rejected: device-mapper's
 * `delay` target (needs dm-delay; this machine's kernel has no device-mapper at all), FUSE with
 * a delay (a user-space daemon, a new dependency, in every page fault of the mmapped commit log).
 *
 * The image lives in RAM (/dev/shm): unthrottled, the device is then as fast as the tmpfs store,
 * and the broker's flushes (SYNC_FLUSH makes one per send) never reach this machine's shared
 * disk, so the throttle is the only slowness the run sees (with the image on the machine's disk,
 * the mean send latency before the throttle was 241 ms in one run here, beside others' clusters).
 *
 * One object owns the device from mount to release, and records each step in the run state
 * first (loop device, mount, throttle), so `cleanup` and the watchdog undo what a crash left:
 * throttle cleared, store unmounted, loop device detached (`releaseRecordedStoresSync`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../util/errors.ts';
import { blkioThrottleProblem, clearThrottleSync, setThrottle, type BlkioLimits } from './blkio-throttle.ts';
import type { RecordedLoopDevice, RunState, RunStateData } from './run-state.ts';
import { unmountSync } from './tmpfs-store.ts';

const run = promisify(execFile);

/** Where a run's store image goes: RAM when the machine has /dev/shm (the usual Linux case). */
export function storeImagePath(runId: string, node: string): string {
  return join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), `rmq-chaos-${runId}-${node}.img`);
}

export class LoopStore {
  private throttled = false;

  private constructor(
    readonly dir: string,
    readonly loop: Required<RecordedLoopDevice>,
    /** `major:minor`, as the blkio files name devices. */
    readonly majorMinor: string,
    private readonly state: RunState,
  ) {}

  /**
   * Creates `image` (sparse, `bytes`), makes it ext4, attaches it to a free loop device and
   * mounts that on `dir`. Refuses (before anything is created) on a machine that could not
   * throttle the device later: the fault would fail mid-run instead.
   */
  static async mount(dir: string, image: string, bytes: number, state: RunState): Promise<LoopStore> {
    const problem = blkioThrottleProblem();
    if (problem)
      throw new EnvironmentError(
        'store-mount',
        `disk.slow throttles a broker's store on a loop device, and ${problem}`,
        'run as root on a machine with cgroup v1 blkio (mount | grep blkio), or remove the disk.slow faults',
      );
    mkdirSync(dir, { recursive: true });
    state.recordLoopDevice({ image });
    try {
      const fd = openSync(image, 'w');
      try {
        ftruncateSync(fd, bytes);
      } finally {
        closeSync(fd);
      }
      // Inode tables and journal written now: lazy init would write them from a kernel thread
      // later, through the throttle, competing with the broker during the fault.
      await tool('mkfs.ext4', ['-q', '-F', '-m', '0', '-E', 'lazy_itable_init=0,lazy_journal_init=0', image], image);
    } catch (error) {
      rmSync(image, { force: true });
      state.removeLoopDevice(image);
      throw error;
    }
    const device = (await tool('losetup', ['--find', '--show', image], image)).trim();
    const loop = { device, image };
    state.recordLoopDevice(loop);
    const store = new LoopStore(dir, loop, majorMinorOf(device), state);
    try {
      await tool('mount', [device, dir], image);
      state.addMount(dir);
    } catch (error) {
      store.release();
      throw error;
    }
    return store;
  }

  get deviceName(): string {
    return `${this.loop.device} (${this.majorMinor})`;
  }

  /** Limits the device (recorded first, so a crash right after still clears it). */
  throttle(limits: BlkioLimits): void {
    this.state.addThrottledDevice(this.majorMinor);
    this.throttled = true;
    setThrottle(this.majorMinor, limits);
  }

  /** Back to full speed; I/O the throttle held is dispatched at once. Never throws. */
  unthrottle(): void {
    if (!this.throttled) return;
    if (clearThrottleSync(this.majorMinor)) this.state.removeThrottledDevice(this.majorMinor);
    this.throttled = false;
  }

  /**
   * Throttle cleared, store unmounted (lazily: a JVM just killed may still map its files), device
   * detached, image removed (its RAM is freed once the device lets go of it).
   */
  release(): void {
    this.unthrottle();
    if (unmountSync(this.dir)) this.state.removeMount(this.dir);
    detachLoopSync(this.loop);
    if (removeImageSync(this.loop.image)) this.state.removeLoopDevice(this.loop.image);
  }
}

/**
 * What a run left recorded, undone in order: throttles cleared (a rule outlives the run and a
 * loop device is reused), mounts unmounted, loop devices detached, their images removed. Says
 * what it undid; never throws.
 */
export function releaseRecordedStoresSync(data: Readonly<RunStateData>): string[] {
  const done: string[] = [];
  for (const device of data.throttledDevices ?? []) if (clearThrottleSync(device)) done.push(`throttle ${device}`);
  for (const dir of data.mounts ?? []) if (unmountSync(dir)) done.push(`mount ${dir}`);
  for (const loop of data.loopDevices ?? []) {
    if (detachLoopSync(loop)) done.push(`loop device ${loop.device}`);
    if (existsSync(loop.image) && removeImageSync(loop.image)) done.push(`image ${loop.image}`);
  }
  return done;
}

/**
 * Detaches the loop device while it is still backed by the run's image (after a crash it may
 * have been detached already and taken by someone else). A device still in use (lazily
 * unmounted, mapped by a dying JVM) is marked to detach itself once free. Never throws.
 */
export function detachLoopSync(loop: RecordedLoopDevice): boolean {
  if (loop.device === undefined || backingFile(loop.device) !== loop.image) return false;
  try {
    execFileSync('losetup', ['-d', loop.device], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The loop device's backing file as the kernel reports it (without a " (deleted)" suffix), or undefined. */
export function backingFile(device: string): string | undefined {
  try {
    const text = readFileSync(`/sys/block/${basename(device)}/loop/backing_file`, 'utf8').trim();
    return text.replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

/** True once the image is gone (or never was); never throws. */
function removeImageSync(image: string): boolean {
  try {
    rmSync(image, { force: true });
    return true;
  } catch {
    return false;
  }
}

function majorMinorOf(device: string): string {
  return readFileSync(`/sys/block/${basename(device)}/dev`, 'utf8').trim();
}

async function tool(command: string, args: string[], image: string): Promise<string> {
  try {
    return (await run(command, args)).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new EnvironmentError(
      'store-mount',
      `${command} failed for the broker store image ${image}: ${stderr || (error as Error).message}`,
      'check that this machine has loop devices (losetup -f) and e2fsprogs, and allows mounts',
      { cause: error },
    );
  }
}
