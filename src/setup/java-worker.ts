/**
 * Builds the JVM fleet worker (workers/java) for one client library version into the cache:
 * `<cache>/java-worker/<remoting|grpc>-<version>-<hash>/` holds the worker jar and its
 * libraries (`lib/`) and `worker.json`, behind a `.complete` marker. The hash covers the
 * worker's sources and poms, so an edited worker is rebuilt and an unchanged one is never
 * (offline after the first build). Built in a staging folder beside it and renamed into place,
 * as installRocketmq does, so an interrupted build never looks complete.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { EnvironmentError } from '../util/errors.ts';
import { PROJECT_ROOT } from '../util/node-args.ts';
import { cacheRoot } from './cache-dir.ts';
import { withInstallLock } from './install-lock.ts';
import { unresolvedArtifact, unresolvedVersionError } from './maven-versions.ts';
import type { SetupLog } from './provision.ts';
import { runTool } from './run-tool.ts';
import { requireTool } from './tools.ts';
import { JAVA_CLIENTS } from './versions.ts';

/** What a build is: enough to start the JVM worker (javaWorkerLaunch in src/fleet/worker-launch.ts). */
export interface JavaWorkerBuild {
  /** `-cp` value: the worker jar and its libraries (`<dir>/lib/*`). */
  classpath: string;
  mainClass: string;
  /** The client library and version, as the worker's hello names it ("rocketmq-client 4.9.7"). */
  client: string;
}

export type JavaWorkerProtocol = 'remoting' | 'grpc';

export interface JavaWorkerRequest {
  /** remoting: org.apache.rocketmq:rocketmq-client (4.9.x, 5.x); grpc: rocketmq-client-java (through the proxy). */
  protocol: JavaWorkerProtocol;
  /** The client library's version, e.g. "4.9.7", "5.3.3" (remoting) or "5.0.8" (grpc). */
  version: string;
}

/** Per protocol: the Maven module, the client artifact, the Maven property naming its version, the main class. */
const FLAVOURS = {
  remoting: {
    module: 'remoting',
    artifact: JAVA_CLIENTS.remoting.artifact,
    property: 'rocketmq.client.version',
    mainClass: 'io.rmqchaos.worker.remoting.RemotingWorker',
  },
  grpc: {
    module: 'grpc',
    artifact: JAVA_CLIENTS.grpc.artifact,
    property: 'rocketmq.client.java.version',
    mainClass: 'io.rmqchaos.worker.grpc.GrpcWorker',
  },
} as const;

export const JAVA_WORKER_SOURCES = join(PROJECT_ROOT, 'workers', 'java');

export interface JavaWorkerOptions {
  /** Cache root; `cacheRoot()` by default. */
  cacheRoot?: string;
  /** The worker's Maven project; workers/java of this checkout by default. */
  sources?: string;
  /** The local Maven repository, read for versions already downloaded; ~/.m2/repository by default. */
  m2Repository?: string;
}

/**
 * Whether this rocketmq-client has Java's AclClientRPCHook in a separate artifact (rocketmq-acl):
 * every release before 5.3.3, which moved the class into the client jar.
 */
export function aclHookSeparate(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return major < 5 || (major === 5 && (minor < 3 || (minor === 3 && patch < 3)));
}

/** The client library as the worker's hello names it: "rocketmq-client 4.9.7". */
export function javaClientName(request: JavaWorkerRequest): string {
  return `${FLAVOURS[request.protocol].artifact} ${request.version}`;
}

/** Files that make the build: every pom.xml and everything under a module's src/main (not target/, not tests). */
function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path).split(sep).join('/');
      if (statSync(path).isDirectory()) {
        if (name !== 'target' && !name.startsWith('.')) walk(path);
      } else if (name === 'pom.xml' || /^[^/]+\/src\/main\//.test(rel)) {
        files.push(path);
      }
    }
  };
  walk(root);
  return files;
}

/** sha256 over the worker's source paths and contents, first 12 hex digits: the cache key's last part. */
export function javaWorkerSourceHash(sources = JAVA_WORKER_SOURCES): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(sources)) {
    hash.update(relative(sources, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/** Where a build of this request lives: `<root>/java-worker/<protocol>-<version>-<hash>`. */
export function javaWorkerDir(request: JavaWorkerRequest, hash: string, root = cacheRoot()): string {
  if (!/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/.test(request.version)) {
    throw new EnvironmentError(
      'java-worker-client-version',
      `"${request.version}" is not a Maven version of ${FLAVOURS[request.protocol].artifact}`,
      `name a version such as ${JAVA_CLIENTS[request.protocol].defaultVersion}`,
    );
  }
  return join(root, 'java-worker', `${request.protocol}-${request.version}-${hash}`);
}

function buildOf(request: JavaWorkerRequest, dir: string): JavaWorkerBuild {
  return {
    classpath: join(dir, 'lib', '*'),
    mainClass: FLAVOURS[request.protocol].mainClass,
    client: javaClientName(request),
  };
}

/**
 * The worker for `request`, built with Maven on first use and cached. Needs java and mvn (an
 * EnvironmentError names what to install); a client version Maven cannot resolve fails with the
 * nearest versions that do.
 */
export async function provisionJavaWorker(
  request: JavaWorkerRequest,
  log: SetupLog,
  options: JavaWorkerOptions = {},
): Promise<JavaWorkerBuild> {
  const sources = options.sources ?? JAVA_WORKER_SOURCES;
  const root = options.cacheRoot ?? cacheRoot();
  const dir = javaWorkerDir(request, javaWorkerSourceHash(sources), root);
  const marker = join(dir, '.complete');
  const what = `Java worker (${javaClientName(request)})`;
  if (existsSync(marker)) {
    log(`${what}: cached in ${dir}`);
    return buildOf(request, dir);
  }
  const home = join(root, 'java-worker');
  await mkdir(home, { recursive: true });
  await withInstallLock(
    join(home, '.build.lock'),
    async () => {
      // Another setup may have built it while we waited for the lock.
      if (existsSync(marker)) return;
      for (const tool of ['java', 'mvn'] as const) {
        await requireTool(tool).catch((error: unknown) => {
          if (!(error instanceof EnvironmentError)) throw error;
          throw new EnvironmentError(error.code, `${error.message}; the Java worker is built with it`, error.hint, {
            cause: error,
          });
        });
      }
      log(`${what}: building with Maven into ${dir}...`);
      const started = performance.now();
      await build(request, sources, dir, home, options.m2Repository ?? join(homedir(), '.m2', 'repository'));
      log(`${what}: built in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    },
    () => log('another rmq-chaos setup is building a Java worker; waiting for it'),
  );
  return buildOf(request, dir);
}

async function build(request: JavaWorkerRequest, sources: string, dir: string, home: string, m2: string) {
  const flavour = FLAVOURS[request.protocol];
  const staging = await mkdtemp(join(home, '.staging-'));
  try {
    // Build from a copy: the checkout gets no target/ folders, and two builds never share one.
    const project = join(staging, 'project');
    await cp(sources, project, {
      recursive: true,
      filter: (src) => !src.split(sep).includes('target'),
    });
    const lib = join(staging, 'lib');
    let mavenOutput = '';
    try {
      await runTool(
        'mvn',
        [
          '-B',
          '-q',
          '-Dstyle.color=never',
          '-pl',
          flavour.module,
          '-am',
          '-DskipTests',
          `-D${flavour.property}=${request.version}`,
          ...(request.protocol === 'remoting' && aclHookSeparate(request.version)
            ? ['-Drocketmq.acl.separate=true']
            : []),
          'package',
          'dependency:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${lib}`,
        ],
        project,
        `Maven could not build the Java worker for ${javaClientName(request)}`,
        'check that Maven Central is reachable (mvn -v; proxy settings in ~/.m2/settings.xml) and run setup again',
        process.env,
        (output) => {
          mavenOutput = output;
        },
      );
    } catch (error) {
      if (unresolvedArtifact(mavenOutput, flavour.artifact, request.version)) {
        throw await unresolvedVersionError({
          code: 'java-worker-client-version',
          artifact: flavour.artifact,
          version: request.version,
          listedArtifact: flavour.artifact,
          m2,
          scratch: staging,
          hint: (nearest) =>
            nearest.length > 0
              ? `use one of ${nearest.join(', ')}`
              : 'check the version on Maven Central (and that Maven Central is reachable)',
          cause: error,
        });
      }
      throw error;
    }
    const worker = join(project, flavour.module, 'target', `rmq-chaos-worker-${flavour.module}-1.jar`);
    await cp(worker, join(lib, `rmq-chaos-worker-${flavour.module}-1.jar`));
    const jars = await readdir(lib);
    if (!jars.includes(`${flavour.artifact}-${request.version}.jar`)) {
      throw new EnvironmentError(
        'setup-incomplete',
        `Maven finished but ${flavour.artifact}-${request.version}.jar is not among the worker's libraries`,
      );
    }
    await rm(project, { recursive: true, force: true });
    await writeFile(
      join(staging, 'worker.json'),
      `${JSON.stringify({ ...request, ...buildOf(request, dir), jars: jars.length }, null, 2)}\n`,
    );
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    await writeFile(join(dir, '.complete'), `${new Date().toISOString()} ${jars.length} jars\n`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
