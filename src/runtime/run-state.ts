import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSameProcess, processStartTicks } from '../util/process-info.ts';

/**
 * What a run has started, on disk, so that the watchdog (if the coordinator is killed -9),
 * `rmq-chaos cleanup` (after a crash) and the next run's port allocator can see it.
 * One folder per run under `<cache>/runs/<runId>/`, one `state.json` inside, rewritten
 * atomically on every change.
 */
export interface RecordedProcess {
  name: string;
  pid: number;
  /** Children start detached, so pid == pgid; kept explicit for readers. */
  pgid: number;
  startTicks: number | undefined;
}

export interface RunStateData {
  runId: string;
  /** `run`: owned by a live coordinator; `cluster`: left running by `cluster up` on purpose. */
  kind: 'run' | 'cluster';
  coordinatorPid: number;
  coordinatorStartTicks: number | undefined;
  createdAt: string;
  /** Folder with store dirs and node configs; removed at the end unless `keep`. */
  workDir: string;
  keep: boolean;
  ports: number[];
  processes: RecordedProcess[];
  /** Addresses clients use (set once the cluster is up), for `cluster status`. */
  endpoints?: unknown;
  /** Containers and networks of the `containers` provider, found by label, for the reaper. */
  containers?: RecordedContainers;
  /** Filesystems mounted for the run (bounded broker stores, runtime/tmpfs-store.ts): unmount before removing. */
  mounts?: string[];
  /** Loop devices backing bounded stores (runtime/loop-store.ts), detached after their unmount. */
  loopDevices?: RecordedLoopDevice[];
  /** Block devices (`major:minor`) with a blkio throttle set by `disk.slow`: cleared before anything else. */
  throttledDevices?: string[];
}

export interface RecordedLoopDevice {
  /** The backing file, recorded before it is created (removed after the device is detached). */
  image: string;
  /** `/dev/loop3`, once attached: detached only while it is still backed by `image`. */
  device?: string;
}

export interface RecordedContainers {
  /** `unix:///...`: the Docker or Podman API they were created through. */
  dockerHost: string;
  /** `key=value`: every container of the run carries it. */
  label: string;
  networks: string[];
}

export class RunState {
  private constructor(
    readonly dir: string,
    private data: RunStateData,
  ) {}

  static create(
    runsDir: string,
    init: Pick<RunStateData, 'runId' | 'workDir' | 'keep'> & { kind?: RunStateData['kind'] },
  ): RunState {
    const dir = join(runsDir, init.runId);
    mkdirSync(dir, { recursive: true });
    const state = new RunState(dir, {
      kind: 'run',
      ...init,
      coordinatorPid: process.pid,
      coordinatorStartTicks: processStartTicks(process.pid),
      createdAt: new Date().toISOString(),
      ports: [],
      processes: [],
    });
    state.save();
    return state;
  }

  get snapshot(): Readonly<RunStateData> {
    return this.data;
  }

  get file(): string {
    return join(this.dir, 'state.json');
  }

  claimPorts(ports: number[]): void {
    this.data.ports.push(...ports);
    this.save();
  }

  addProcess(process: RecordedProcess): void {
    this.data.processes.push(process);
    this.save();
  }

  setEndpoints(endpoints: unknown): void {
    this.data.endpoints = endpoints;
    this.save();
  }

  setContainers(containers: RecordedContainers): void {
    this.data.containers = containers;
    this.save();
  }

  addMount(dir: string): void {
    this.data.mounts = [...(this.data.mounts ?? []), dir];
    this.save();
  }

  /** Records a loop image, or what is known of it now (its device once attached), by image path. */
  recordLoopDevice(loop: RecordedLoopDevice): void {
    this.data.loopDevices = [...(this.data.loopDevices ?? []).filter((l) => l.image !== loop.image), loop];
    this.save();
  }

  removeLoopDevice(image: string): void {
    this.data.loopDevices = (this.data.loopDevices ?? []).filter((l) => l.image !== image);
    this.save();
  }

  addThrottledDevice(device: string): void {
    this.data.throttledDevices = [...new Set([...(this.data.throttledDevices ?? []), device])];
    this.save();
  }

  removeThrottledDevice(device: string): void {
    this.data.throttledDevices = (this.data.throttledDevices ?? []).filter((d) => d !== device);
    this.save();
  }

  removeMount(dir: string): void {
    this.data.mounts = (this.data.mounts ?? []).filter((m) => m !== dir);
    this.save();
  }

  removeProcess(pid: number): void {
    this.data.processes = this.data.processes.filter((p) => p.pid !== pid);
    this.save();
  }

  /** The run ended and released everything: the watchdog sees the folder vanish and exits. */
  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2));
    renameSync(tmp, this.file);
  }
}

export function readRunState(file: string): RunStateData | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunStateData;
  } catch {
    return undefined;
  }
}

export function listRunStates(runsDir: string): { dir: string; data: RunStateData }[] {
  let entries: string[];
  try {
    entries = readdirSync(runsDir);
  } catch {
    return [];
  }
  const states: { dir: string; data: RunStateData }[] = [];
  for (const entry of entries) {
    const dir = join(runsDir, entry);
    const data = readRunState(join(dir, 'state.json'));
    if (data) states.push({ dir, data });
  }
  return states;
}

export function isCoordinatorAlive(data: RunStateData): boolean {
  return isSameProcess(data.coordinatorPid, data.coordinatorStartTicks);
}

/** A run is active while its coordinator lives; a `cluster up` cluster while any node lives. */
export function isRunActive(data: RunStateData): boolean {
  // A containerized `cluster up` has no process of ours: its containers run until `cluster down`.
  if (data.kind === 'cluster')
    return data.containers !== undefined || data.processes.some((p) => isSameProcess(p.pid, p.startTicks));
  return isCoordinatorAlive(data);
}
