/**
 * Class-data archives (AppCDS) for the name server and broker of a RocketMQ version: a JVM
 * that maps the classes a daemon loaded last time skips loading, verifying and linking them
 * again. By hand here, a 5.3.3 broker booted in 2.2–2.3 s with its archive and 3.0–3.7 s
 * without; a name server in 1.7–1.8 s against 2.1 s. Every run starts these JVMs, and on two
 * cores their boots are most of a short run's CPU.
 *
 * A dynamic archive is written when a JVM started with -XX:ArchiveClassesAtExit exits
 * normally, so setup boots each daemon once (the broker against the name server, on free
 * ports, in a scratch folder), stops them with SIGTERM (a broker's shutdown takes about 13 s)
 * and keeps the files beside the version's jars, named after the Java build: an archive only
 * maps into the JVM that wrote it, and the name makes a new JDK build its own. The classpath
 * is the same `lib/*` at both ends. Runs use an archive when it is there and start without
 * one otherwise; a JVM that cannot map it goes on without it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findFreeBlock } from '../util/free-ports.ts';
import { BOOT_LINE, daemonJvmFlags } from './daemon-jvm.ts';
import { legacyLogbackFile } from './legacy-logging.ts';
import { MAIN_CLASS, serverVersionTraits } from './versions.ts';

/** The daemons that get an archive: every run starts them (proxies and controllers are rarer). */
export const ARCHIVED_KINDS = ['namesrv', 'broker'] as const;
export type ArchivedKind = (typeof ARCHIVED_KINDS)[number];

const TRAINING_HEAP_MIB = 256;
const BOOT_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 60_000;

let javaBuild: string | undefined;

/** A short name for the `java` on PATH (its `-version` text): archives are per JVM build. */
export function javaBuildKey(): string {
  if (javaBuild === undefined) {
    // `java -version` prints to stderr.
    const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
    const text = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim() || 'unknown';
    javaBuild = createHash('sha256').update(text).digest('hex').slice(0, 12);
  }
  return javaBuild;
}

/** Where a kind's archive lives for the jars in `libDir` (`rocketmq-<v>/class-archives/`). */
export function classArchivePath(libDir: string, kind: ArchivedKind, build = javaBuildKey()): string {
  return join(dirname(libDir), 'class-archives', `${kind}-java-${build}.jsa`);
}

function isArchivedKind(kind: string): kind is ArchivedKind {
  return (ARCHIVED_KINDS as readonly string[]).includes(kind);
}

/** The JVM flag that maps the kind's archive, when there is one; nothing otherwise. */
export function classArchiveFlags(libDir: string, kind: string): string[] {
  if (!isArchivedKind(kind)) return [];
  const archive = classArchivePath(libDir, kind);
  return existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`] : [];
}

function failureMarker(libDir: string, build = javaBuildKey()): string {
  return join(dirname(libDir), 'class-archives', `failed-java-${build}.txt`);
}

/** Why the last build for this JVM build failed (and how to retry), or undefined. */
export function classArchivesFailed(libDir: string): string | undefined {
  const marker = failureMarker(libDir);
  if (!existsSync(marker)) return undefined;
  return `${readFileSync(marker, 'utf8').trim()}; delete ${marker} to try again`;
}

function noteFailure(libDir: string, reason: string): void {
  const marker = failureMarker(libDir);
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, `${reason}\n`);
}

/** True when every archived kind has its archive for this JVM build. */
export function hasClassArchives(libDir: string): boolean {
  return ARCHIVED_KINDS.every((kind) => existsSync(classArchivePath(libDir, kind)));
}

/**
 * Boots a name server and a broker of the version in `libDir` once, with
 * -XX:ArchiveClassesAtExit, and keeps the archives they write at exit. Returns the kinds
 * archived; a daemon that did not boot or stop in time leaves its kind without one (runs
 * start as before), said through `log`.
 */
export async function buildClassArchives(
  libDir: string,
  version: string,
  log: (line: string) => void,
): Promise<ArchivedKind[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'rmq-chaos-cds-'));
  const started: { kind: ArchivedKind; child: ChildProcess; archive: string }[] = [];
  try {
    const [namesrvPort] = await findFreeBlock(1);
    // A broker listens on its port, the port - 2 (VIP channel) and the port + 1 (HA).
    const brokerPort = (await findFreeBlock(4, new Set([namesrvPort!])))[2]!;
    const confs: Record<ArchivedKind, string> = {
      namesrv: `listenPort=${namesrvPort}\n`,
      broker: [
        'brokerClusterName=rmq-chaos-cds',
        'brokerName=cds',
        'brokerId=0',
        `listenPort=${brokerPort}`,
        `namesrvAddr=127.0.0.1:${namesrvPort}`,
        `storePathRootDir=${join(scratch, 'broker', 'store')}`,
        `storePathCommitLog=${join(scratch, 'broker', 'store', 'commitlog')}`,
        'autoCreateTopicEnable=false',
        '',
      ].join('\n'),
    };
    for (const kind of ARCHIVED_KINDS) {
      const home = join(scratch, kind);
      mkdirSync(join(home, 'home'), { recursive: true });
      writeFileSync(join(home, `${kind}.conf`), confs[kind]);
      if (!serverVersionTraits(version).modernConfig) {
        const logback = legacyLogbackFile(kind, home);
        mkdirSync(dirname(logback.file), { recursive: true });
        writeFileSync(logback.file, logback.text);
      }
      const archive = join(scratch, `${kind}.jsa`);
      const child = spawn(
        'java',
        [
          ...daemonJvmFlags(TRAINING_HEAP_MIB),
          `-XX:ArchiveClassesAtExit=${archive}`,
          `-Duser.home=${join(home, 'home')}`,
          '-cp',
          `${libDir}/*`,
          MAIN_CLASS[kind],
          '-c',
          join(home, `${kind}.conf`),
        ],
        { cwd: home, env: { ...process.env, ROCKETMQ_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      started.push({ kind, child, archive });
      await bootLine(child, BOOT_LINE[kind], BOOT_TIMEOUT_MS);
    }
    // The broker first: its shutdown unregisters from the name server.
    const archived: ArchivedKind[] = [];
    for (const { kind, child, archive } of [...started].reverse()) {
      const stopped = await stopGracefully(child, STOP_TIMEOUT_MS);
      if (stopped && existsSync(archive) && statSync(archive).size > 0) {
        const target = classArchivePath(libDir, kind);
        mkdirSync(dirname(target), { recursive: true });
        renameSync(archive, target);
        archived.push(kind);
      } else {
        log(`class archive for the ${kind}: not written (the JVM did not exit in time); runs start without it`);
        noteFailure(libDir, `the ${kind} did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM`);
      }
    }
    return archived;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`class archives: not built (${reason}); runs start without them`);
    noteFailure(libDir, reason.split('\n')[0]!.slice(0, 300));
    return [];
  } finally {
    for (const { child } of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  }
}

function bootLine(child: ChildProcess, line: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`no boot line after ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4000);
      if (line.test(seen)) done();
    };
    const onExit = (code: number | null) => done(new Error(`exited (${code}) before booting: ${seen.slice(-300)}`));
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function stopGracefully(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(false);
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // A JVM stopped by SIGTERM exits 143 after its shutdown hooks, archive written.
      resolve(signal === null && (code === 0 || code === 143));
    });
    child.kill('SIGTERM');
  });
}
