import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EnvironmentError } from '../util/errors.ts';
import { cachePaths, type CachePaths } from './cache-dir.ts';
import { withInstallLock } from './install-lock.ts';
import { requireTool } from './tools.ts';
import { ROCKETMQ_ARTIFACTS, ROCKETMQ_VERSION, TOXIPROXY_MODULE, TOXIPROXY_VERSION } from './versions.ts';

export type SetupLog = (line: string) => void;

export interface ProvisionResult {
  paths: CachePaths;
  /** Components fetched or built by this call (empty when everything was cached). */
  installed: string[];
}

/** True when every component a run needs is already in the cache (no tools consulted). */
export function isProvisioned(paths = cachePaths()): boolean {
  return existsSync(paths.rocketmqMarker) && existsSync(paths.toxiproxyMarker);
}

/**
 * Fetches the pinned RocketMQ jars (Maven) and builds Toxiproxy (go install) into the cache.
 * Idempotent: a component whose `.complete` marker exists is skipped, so it is offline after
 * the first time. Each component is installed into a temporary folder and renamed into place,
 * so an interrupted setup never leaves a half-filled cache that looks complete.
 */
export async function provision(log: SetupLog, paths = cachePaths()): Promise<ProvisionResult> {
  const installed: string[] = [];
  await mkdir(paths.root, { recursive: true });
  await withInstallLock(
    join(paths.root, '.setup.lock'),
    async () => {
      if (existsSync(paths.rocketmqMarker)) {
        log(`RocketMQ ${ROCKETMQ_VERSION} jars: cached in ${paths.rocketmqLib}`);
      } else {
        await timed(
          log,
          `RocketMQ ${ROCKETMQ_VERSION} jars (${ROCKETMQ_ARTIFACTS.join(', ')}) from Maven Central`,
          () => installRocketmq(paths),
        );
        installed.push('rocketmq');
      }
      if (existsSync(paths.toxiproxyMarker)) {
        log(`Toxiproxy ${TOXIPROXY_VERSION}: cached in ${paths.toxiproxyBin}`);
      } else {
        await timed(log, `Toxiproxy ${TOXIPROXY_VERSION} server and CLI with go install`, () =>
          installToxiproxy(paths),
        );
        installed.push('toxiproxy');
      }
    },
    () => log('another rmq-chaos setup is running; waiting for it'),
  );
  return { paths, installed };
}

async function timed(log: SetupLog, what: string, work: () => Promise<void>): Promise<void> {
  log(`${what}: fetching...`);
  const started = performance.now();
  await work();
  log(`${what}: done in ${((performance.now() - started) / 1000).toFixed(1)}s`);
}

async function installRocketmq(paths: CachePaths): Promise<void> {
  await requireTool('java');
  await requireTool('mvn');
  const home = dirname(paths.rocketmqLib);
  await mkdir(home, { recursive: true });
  const staging = await mkdtemp(join(home, '.staging-'));
  try {
    await writeFile(join(staging, 'pom.xml'), rocketmqPom());
    await runTool(
      'mvn',
      ['-B', '-q', 'dependency:copy-dependencies', `-DoutputDirectory=${join(staging, 'lib')}`],
      staging,
      'Maven could not download the RocketMQ jars',
      'check that Maven Central is reachable (mvn -v; proxy settings in ~/.m2/settings.xml) and run ' +
        '`npm run rmq-chaos -- setup` again',
    );
    const jars = await readdir(join(staging, 'lib'));
    for (const artifact of ROCKETMQ_ARTIFACTS) {
      if (!jars.includes(`${artifact}-${ROCKETMQ_VERSION}.jar`)) {
        throw new EnvironmentError(
          'setup-incomplete',
          `Maven finished but ${artifact}-${ROCKETMQ_VERSION}.jar is missing`,
        );
      }
    }
    await rm(paths.rocketmqLib, { recursive: true, force: true });
    await rename(join(staging, 'lib'), paths.rocketmqLib);
    await writeFile(paths.rocketmqMarker, `${new Date().toISOString()} ${jars.length} jars\n`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function rocketmqPom(): string {
  const deps = ROCKETMQ_ARTIFACTS.map(
    (a) =>
      `    <dependency><groupId>org.apache.rocketmq</groupId><artifactId>${a}</artifactId>` +
      `<version>${ROCKETMQ_VERSION}</version></dependency>`,
  ).join('\n');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>rmq-chaos</groupId><artifactId>rocketmq-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

async function installToxiproxy(paths: CachePaths): Promise<void> {
  await requireTool('go');
  const home = dirname(paths.toxiproxyBin);
  await mkdir(home, { recursive: true });
  const staging = await mkdtemp(join(home, '.staging-'));
  try {
    const env = { ...process.env, GOBIN: staging, CGO_ENABLED: '0' };
    for (const [cmd, name] of [
      ['server', 'toxiproxy-server'],
      ['cli', 'toxiproxy-cli'],
    ] as const) {
      await runTool(
        'go',
        ['install', `${TOXIPROXY_MODULE}/cmd/${cmd}@${TOXIPROXY_VERSION}`],
        staging,
        `go install of Toxiproxy ${cmd} failed`,
        'check that the Go module proxy is reachable (go env GOPROXY) and run `npm run rmq-chaos -- setup` again',
        env,
      );
      await rename(join(staging, cmd), join(staging, name));
    }
    await rm(paths.toxiproxyBin, { recursive: true, force: true });
    await rename(staging, paths.toxiproxyBin);
    await writeFile(paths.toxiproxyMarker, `${new Date().toISOString()}\n`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Runs a tool, keeping its output for the error message instead of flooding the console.
 * `onFailureOutput` gets the last 4000 characters it printed when it fails (the error keeps 8 lines).
 */
export function runTool(
  command: string,
  args: string[],
  cwd: string,
  failure: string,
  hint: string,
  env = process.env,
  onFailureOutput?: (output: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => reject(new EnvironmentError('setup-failed', `${failure}: ${error.message}`, hint)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      onFailureOutput?.(output);
      const tail = output.trim().split('\n').slice(-8).join('\n  ');
      reject(new EnvironmentError('setup-failed', `${failure} (exit ${code}):\n  ${tail}`, hint));
    });
  });
}

/** The JVM fleet worker, built on demand (not by `provision()`): see java-worker.ts. */
export { provisionJavaWorker, type JavaWorkerRequest, type JavaWorkerBuild } from './java-worker.ts';
