import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { EnvironmentError } from '../util/errors.ts';
import { buildClassArchives, classArchivesFailed, hasClassArchives } from './class-archives.ts';
import { cachePaths, rocketmqPaths, type CachePaths } from './cache-dir.ts';
import { withInstallLock } from './install-lock.ts';
import { requireTool } from './tools.ts';
import { runTool } from './run-tool.ts';
import { unresolvedArtifact, unresolvedVersionError } from './maven-versions.ts';
import {
  ROCKETMQ_VERSION,
  TESTED_ROCKETMQ_VERSIONS,
  TOXIPROXY_MODULE,
  TOXIPROXY_VERSION,
  rocketmqArtifacts,
} from './versions.ts';

export type SetupLog = (line: string) => void;

export interface ProvisionResult {
  paths: CachePaths;
  /** Components fetched or built by this call (empty when everything was cached). */
  installed: string[];
}

/** True when the tools and the given RocketMQ version are already in the cache (no tools consulted). */
export function isProvisioned(paths = cachePaths(), rocketmqVersion = ROCKETMQ_VERSION): boolean {
  return existsSync(rocketmqPaths(rocketmqVersion, paths.root).marker) && existsSync(paths.toxiproxyMarker);
}

export interface ProvisionOptions {
  /** The RocketMQ server version to fetch (default: the pinned one). */
  rocketmqVersion?: string;
}

/**
 * Fetches a RocketMQ version's jars (Maven) and builds Toxiproxy (go install) into the cache.
 * Idempotent: a component whose `.complete` marker exists is skipped, so it is offline after
 * the first time. Each component is installed into a temporary folder and renamed into place,
 * so an interrupted setup never leaves a half-filled cache that looks complete.
 */
export async function provision(
  log: SetupLog,
  paths = cachePaths(),
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const version = options.rocketmqVersion ?? ROCKETMQ_VERSION;
  const installed: string[] = [];
  await mkdir(paths.root, { recursive: true });
  await withInstallLock(
    join(paths.root, '.setup.lock'),
    async () => {
      const rocketmq = rocketmqPaths(version, paths.root);
      if (existsSync(rocketmq.marker)) {
        log(`RocketMQ ${version} jars: cached in ${rocketmq.lib}`);
      } else {
        await timed(log, `RocketMQ ${version} jars (${rocketmqArtifacts(version).join(', ')}) from Maven Central`, () =>
          installRocketmq(version, rocketmq),
        );
        installed.push('rocketmq');
      }
      const failedBefore = classArchivesFailed(rocketmq.lib);
      if (hasClassArchives(rocketmq.lib)) {
        log(`RocketMQ ${version} class archives: cached`);
      } else if (failedBefore) {
        // Not tried at every run: a build that failed once (a JVM that would not stop) would cost each run again.
        log(`RocketMQ ${version} class archives: not built (${failedBefore}); runs start without them`);
      } else {
        await timed(
          log,
          `RocketMQ ${version} class archives (a name server and a broker booted once, stopped gracefully)`,
          async () => {
            const kinds = await buildClassArchives(rocketmq.lib, version, log);
            if (kinds.length > 0) installed.push('class-archives');
          },
          'building',
        );
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

async function timed(log: SetupLog, what: string, work: () => Promise<void>, doing = 'fetching'): Promise<void> {
  log(`${what}: ${doing}...`);
  const started = performance.now();
  await work();
  log(`${what}: done in ${((performance.now() - started) / 1000).toFixed(1)}s`);
}

async function installRocketmq(version: string, target: { lib: string; marker: string }): Promise<void> {
  await requireTool('java');
  await requireTool('mvn');
  const home = dirname(target.lib);
  await mkdir(home, { recursive: true });
  const staging = await mkdtemp(join(home, '.staging-'));
  const artifacts = rocketmqArtifacts(version);
  try {
    await writeFile(join(staging, 'pom.xml'), rocketmqPom(version, artifacts));
    let mavenOutput = '';
    try {
      await runTool(
        'mvn',
        [
          '-B',
          '-q',
          '-Dstyle.color=never',
          'dependency:copy-dependencies',
          `-DoutputDirectory=${join(staging, 'lib')}`,
        ],
        staging,
        `Maven could not download the RocketMQ ${version} jars`,
        'check that Maven Central is reachable (mvn -v; proxy settings in ~/.m2/settings.xml) and run ' +
          '`npm run rmq-chaos -- setup` again',
        process.env,
        (output) => {
          mavenOutput = output;
        },
      );
    } catch (error) {
      const missing = artifacts.find((a) => unresolvedArtifact(mavenOutput, a, version));
      if (missing) {
        throw await unresolvedVersionError({
          code: 'rocketmq-version',
          artifact: missing,
          version,
          listedArtifact: 'rocketmq-broker',
          m2: m2Repository(),
          scratch: staging,
          hint: (nearest) =>
            `set cluster.version to one of ${(nearest.length > 0 ? nearest : TESTED_ROCKETMQ_VERSIONS).join(', ')}`,
          cause: error,
        });
      }
      throw error;
    }
    const jars = await readdir(join(staging, 'lib'));
    for (const artifact of artifacts) {
      if (!jars.includes(`${artifact}-${version}.jar`)) {
        throw new EnvironmentError('setup-incomplete', `Maven finished but ${artifact}-${version}.jar is missing`);
      }
    }
    await rm(target.lib, { recursive: true, force: true });
    await rename(join(staging, 'lib'), target.lib);
    await writeFile(target.marker, `${new Date().toISOString()} ${jars.length} jars: ${artifacts.join(' ')}\n`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function m2Repository(): string {
  return join(homedir(), '.m2', 'repository');
}

function rocketmqPom(version: string, artifacts: readonly string[]): string {
  const deps = artifacts
    .map(
      (a) =>
        `    <dependency><groupId>org.apache.rocketmq</groupId><artifactId>${a}</artifactId>` +
        `<version>${version}</version></dependency>`,
    )
    .join('\n');
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

/** The JVM fleet worker, built on demand (not by `provision()`): see java-worker.ts. */
export { provisionJavaWorker, type JavaWorkerRequest, type JavaWorkerBuild } from './java-worker.ts';
export { runTool } from './run-tool.ts';
