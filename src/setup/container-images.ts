/**
 * The images the `containers` provider runs, built on this machine from what `setup` already
 * cached, for machines that cannot pull (no registry but the package ones):
 *
 * - `localhost/rmq-chaos/jre:17`: a minimal Debian rootfs (`debootstrap --variant=minbase`
 *   from the Debian mirror apt uses) with openjdk-17-jre-headless installed in a chroot,
 *   imported as an image (`podman import`);
 * - `localhost/rmq-chaos/rocketmq:<version>-<revision>`: that plus one RocketMQ version's
 *   cached jars in /opt/rocketmq/lib, its start scripts and, on 4.x, the logback files it
 *   needs (COPY only: the build runs no container);
 * - `localhost/rmq-chaos/toxiproxy:<version>`: the cached, statically linked toxiproxy-server
 *   and -cli on an empty image.
 *
 * Idempotent: an image that exists is kept (its tag carries the pinned version); a failed
 * step leaves no image behind. Needs root (debootstrap, chroot) and the runtime's CLI.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EnvironmentError } from '../util/errors.ts';
import { cachePaths, rocketmqPaths } from './cache-dir.ts';
import { withInstallLock } from './install-lock.ts';
import { LEGACY_LOGBACK_KINDS, legacyLogbackFile } from './legacy-logging.ts';
import { podmanEnv } from './podman-config.ts';
import { provision, runTool, type SetupLog } from './provision.ts';
import { MAIN_CLASS, ROCKETMQ_VERSION, TOXIPROXY_VERSION, serverVersionTraits } from './versions.ts';

export const DEBIAN_SUITE = 'bookworm';
export const DEBIAN_MIRROR = process.env.RMQ_CHAOS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

/**
 * Where the images' files live inside them. The RocketMQ image mirrors the official
 * apache/rocketmq image's layout (user home /home/rocketmq, `sh mqbroker` etc. in its
 * WORKDIR /home/rocketmq/rocketmq-<version>/bin, heap in HEAP_OPTS, extra JVM options in
 * JAVA_OPT_EXT) and the Toxiproxy image the official one's (entrypoint /toxiproxy), so the
 * provider and docker-compose.yml run either. What depends on the version is in
 * `rocketmqImageLayout`.
 */
export const IMAGE_PATHS = {
  rocketmqLib: '/opt/rocketmq/lib',
  rocketmqHome: '/home/rocketmq',
  toxiproxyServer: '/toxiproxy',
} as const;

/**
 * A version's install folder in the image: ROCKETMQ_HOME (where 4.x looks for
 * `conf/logback_*.xml`) and its `bin`, the WORKDIR the start scripts are run from.
 */
export function rocketmqImageLayout(version: string): { install: string; bin: string; conf: string } {
  const install = `${IMAGE_PATHS.rocketmqHome}/rocketmq-${version}`;
  return { install, bin: `${install}/bin`, conf: `${install}/conf` };
}

/**
 * Our counterpart of the official image's start scripts (runserver.sh and runbroker.sh as
 * the apache/rocketmq image customizes them): the script picks the heap (HEAP_OPTS overrides
 * it) and the collector, then appends JAVA_OPT_EXT. So callers set the heap through
 * HEAP_OPTS and never pick a collector in JAVA_OPT_EXT: the official scripts select G1 or
 * CMS, and a second collector makes the JVM refuse to start.
 */
export function startScript(mainClass: string): string {
  const lib = `${IMAGE_PATHS.rocketmqLib}/*`;
  return [
    '#!/bin/sh',
    "# rmq-chaos: like the official image's start scripts: heap from HEAP_OPTS, JAVA_OPT_EXT last",
    `exec java \${HEAP_OPTS:--Xms256m -Xmx256m} -XX:+UseSerialGC -Djava.net.preferIPv4Stack=true ` +
      `-Duser.home=${IMAGE_PATHS.rocketmqHome} \${JAVA_OPT_EXT} -cp "${lib}" ${mainClass} "$@"`,
    '',
  ].join('\n');
}

/** The start scripts of a version's image: `mqproxy` only where the version has a proxy jar to run. */
export function startScripts(version: string): Record<string, string> {
  return {
    mqnamesrv: MAIN_CLASS.namesrv,
    mqbroker: MAIN_CLASS.broker,
    ...(serverVersionTraits(version).proxy ? { mqproxy: MAIN_CLASS.proxy } : {}),
  };
}

/**
 * The files the local RocketMQ image adds to its install folder besides the jars, by path
 * under it: the start scripts, and on 4.x the logback files it exits without.
 */
export function rocketmqImageFiles(version: string): { path: string; text: string; mode: number }[] {
  const scripts = Object.entries(startScripts(version)).map(([script, mainClass]) => ({
    path: `bin/${script}`,
    text: startScript(mainClass),
    mode: 0o755,
  }));
  const conf = serverVersionTraits(version).modernConfig
    ? []
    : LEGACY_LOGBACK_KINDS.map((kind) => {
        const { file, text } = legacyLogbackFile(kind, '');
        return { path: file, text, mode: 0o644 };
      });
  return [...scripts, ...conf];
}

/**
 * The RocketMQ image's tag carries a digest of the files rmq-chaos puts in it, so an image
 * built by an rmq-chaos with other scripts is not taken for the current one: the new tag is
 * built next to it. (Scripts as [name, text] pairs first: the digest of a 5.x image with all
 * three scripts is the one earlier releases tagged, so their images are still found.)
 */
function rocketmqImageRevision(version: string): string {
  const files = rocketmqImageFiles(version);
  const scripts = files.filter((f) => f.path.startsWith('bin/')).map((f) => [f.path.slice('bin/'.length), f.text]);
  const others = files.filter((f) => !f.path.startsWith('bin/')).map((f) => [f.path, f.text]);
  return createHash('sha256')
    .update(JSON.stringify([...scripts, ...others]))
    .digest('hex')
    .slice(0, 8);
}

const JRE_IMAGE = 'localhost/rmq-chaos/jre:17-bookworm';
const LOCAL_TOXIPROXY_IMAGE = `localhost/rmq-chaos/toxiproxy:${TOXIPROXY_VERSION.replace(/^v/, '')}`;

/** The images built here (`rmq-chaos setup --images`, or on first use): RocketMQ's per server version. */
export function localImages(rocketmqVersion: string): { jre: string; rocketmq: string; toxiproxy: string } {
  return {
    jre: JRE_IMAGE,
    rocketmq: `localhost/rmq-chaos/rocketmq:${rocketmqVersion}-${rocketmqImageRevision(rocketmqVersion)}`,
    toxiproxy: LOCAL_TOXIPROXY_IMAGE,
  };
}

/**
 * The official images: the default of the plan's `cluster.images` (see
 * cluster/containers/images.ts). Fully qualified, because Podman refuses ambiguous short
 * names where no search registry is configured.
 */
export function officialImages(rocketmqVersion: string): { rocketmq: string; toxiproxy: string } {
  return {
    rocketmq: `docker.io/apache/rocketmq:${rocketmqVersion}`,
    toxiproxy: `ghcr.io/shopify/toxiproxy:${TOXIPROXY_VERSION.replace(/^v/, '')}`,
  };
}

export type ImageCli = 'podman' | 'docker';

export async function imageExists(cli: ImageCli, image: string): Promise<boolean> {
  return (await exec(cli, ['image', 'inspect', '--format', '{{.Id}}', image])).code === 0;
}

/**
 * `podman pull` / `docker pull`: the CLI, not the API, because the API reports a failed pull
 * inside a stream that testcontainers reads without looking (its pull then "succeeds").
 * Rejects with the CLI's last error line.
 */
export async function pullImage(cli: ImageCli, image: string): Promise<void> {
  const { code, output } = await exec(cli, ['pull', image]);
  if (code !== 0) {
    const lines = output
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    throw new Error(
      [...lines].reverse().find((line) => /error/i.test(line)) ?? lines.at(-1) ?? `${cli} pull exited with ${code}`,
    );
  }
}

/**
 * Builds whichever of the local images is missing (both by default; the JRE base only for
 * RocketMQ), RocketMQ's of `rocketmqVersion` (fetched into the cache first when it is not
 * there); returns the ones it built.
 */
export async function ensureImages(
  log: SetupLog,
  cli: ImageCli,
  which: { rocketmq: boolean; toxiproxy: boolean } = { rocketmq: true, toxiproxy: true },
  rocketmqVersion: string = ROCKETMQ_VERSION,
): Promise<string[]> {
  const built: string[] = [];
  const paths = (await provision(log, undefined, { rocketmqVersion })).paths;
  const images = localImages(rocketmqVersion);
  const lib = rocketmqPaths(rocketmqVersion, paths.root).lib;
  await withInstallLock(
    join(paths.root, '.images.lock'),
    async () => {
      if (which.rocketmq) {
        if (await imageExists(cli, images.jre)) log(`image ${images.jre}: present`);
        else
          built.push(
            await timed(
              log,
              `image ${images.jre} (debootstrap ${DEBIAN_SUITE} minbase + openjdk-17-jre-headless, then ${cli} import)`,
              () => buildJreImage(cli, log),
            ),
          );
        if (await imageExists(cli, images.rocketmq)) log(`image ${images.rocketmq}: present`);
        else
          built.push(
            await timed(log, `image ${images.rocketmq} (${images.jre} + the cached jars of ${lib})`, () =>
              buildRocketmqImage(cli, rocketmqVersion, lib),
            ),
          );
      }
      if (which.toxiproxy) {
        if (await imageExists(cli, images.toxiproxy)) log(`image ${images.toxiproxy}: present`);
        else
          built.push(
            await timed(log, `image ${images.toxiproxy} (the cached ${paths.toxiproxyServer})`, () =>
              buildToxiproxyImage(cli),
            ),
          );
      }
    },
    () => log('another rmq-chaos setup is building images; waiting for it'),
  );
  return built;
}

async function timed(log: SetupLog, what: string, work: () => Promise<void>): Promise<string> {
  log(`${what}: building...`);
  const started = performance.now();
  await work();
  log(`${what}: done in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  return what.split(' ')[1]!;
}

async function buildJreImage(cli: ImageCli, log: SetupLog): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(
      'setup-images',
      'building the base image needs root (debootstrap and chroot)',
      'run `rmq-chaos setup --images` as root once, or load an image with a JRE as localhost/rmq-chaos/jre:17-bookworm',
    );
  }
  await requireCommand('debootstrap', 'apt-get install -y debootstrap');
  const work = await mkdtemp(join(tmpdir(), 'rmq-chaos-rootfs-'));
  const rootfs = join(work, 'rootfs');
  try {
    log(`  debootstrap --variant=minbase ${DEBIAN_SUITE} ${rootfs} ${DEBIAN_MIRROR}`);
    await runTool(
      'debootstrap',
      ['--variant=minbase', DEBIAN_SUITE, rootfs, DEBIAN_MIRROR],
      work,
      'debootstrap failed',
      `check that ${DEBIAN_MIRROR} is reachable (RMQ_CHAOS_DEBIAN_MIRROR overrides it)`,
    );
    log('  chroot: apt-get install --no-install-recommends openjdk-17-jre-headless');
    // The JRE's postinst (ca-certificates-java) runs java, which wants /proc.
    await runTool(
      'mount',
      ['-t', 'proc', 'proc', join(rootfs, 'proc')],
      work,
      'mounting /proc in the rootfs failed',
      'run as root',
    );
    try {
      const script = [
        'set -e',
        'export DEBIAN_FRONTEND=noninteractive',
        'apt-get update -q',
        'apt-get install -y -q --no-install-recommends openjdk-17-jre-headless',
        'apt-get clean',
        'rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/*',
        // Each JVM container runs as its own uid (see node-containers.ts): the home is everyone's.
        `mkdir -p ${IMAGE_PATHS.rocketmqHome} && chmod 1777 ${IMAGE_PATHS.rocketmqHome}`,
      ].join('\n');
      await runTool(
        'chroot',
        [rootfs, '/bin/sh', '-c', script],
        work,
        'installing the JRE in the rootfs failed',
        `check that ${DEBIAN_MIRROR} is reachable`,
      );
    } finally {
      await runTool(
        'umount',
        [join(rootfs, 'proc')],
        work,
        'unmounting /proc in the rootfs failed',
        'umount it by hand',
      ).catch(() => undefined);
    }
    const tarball = join(work, 'rootfs.tar');
    await runTool(
      'tar',
      ['-C', rootfs, '-cf', tarball, '.'],
      work,
      'packing the rootfs failed',
      'check free disk space',
    );
    await runTool(
      cli,
      [
        'import',
        '--change',
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--change',
        'ENV LANG=C.UTF-8',
        tarball,
        JRE_IMAGE,
      ],
      work,
      `${cli} import failed`,
      `run \`${cli} import\` by hand to see why`,
      envFor(cli),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function buildRocketmqImage(cli: ImageCli, version: string, lib: string): Promise<void> {
  const layout = rocketmqImageLayout(version);
  const daemons = ['namesrv', 'broker', ...(serverVersionTraits(version).proxy ? ['proxy'] : []), 'tools'];
  await buildImage(cli, localImages(version).rocketmq, async (context) => {
    await runTool('cp', ['-r', lib, join(context, 'lib')], context, 'copying the jars failed', 'check free disk space');
    // The install folder as the image has it (bin/, and conf/ on 4.x): one COPY.
    for (const file of rocketmqImageFiles(version)) {
      await mkdir(dirname(join(context, 'install', file.path)), { recursive: true });
      await writeFile(join(context, 'install', file.path), file.text, { mode: file.mode });
    }
    return [
      `FROM ${JRE_IMAGE}`,
      `COPY lib ${IMAGE_PATHS.rocketmqLib}`,
      `COPY install ${layout.install}`,
      `ENV ROCKETMQ_HOME=${layout.install}`,
      `WORKDIR ${layout.bin}`,
      `LABEL org.opencontainers.image.title="RocketMQ ${version} (${daemons.join(', ')}) for rmq-chaos"`,
    ];
  });
}

async function buildToxiproxyImage(cli: ImageCli): Promise<void> {
  await buildImage(cli, LOCAL_TOXIPROXY_IMAGE, async (context) => {
    const paths = cachePaths();
    await mkdir(join(context, 'bin'));
    await copyFile(paths.toxiproxyServer, join(context, 'bin', 'toxiproxy-server'));
    await copyFile(paths.toxiproxyCli, join(context, 'bin', 'toxiproxy-cli'));
    return [
      'FROM scratch',
      `COPY bin/toxiproxy-server ${IMAGE_PATHS.toxiproxyServer}`,
      'COPY bin/toxiproxy-cli /toxiproxy-cli',
      `ENTRYPOINT ["${IMAGE_PATHS.toxiproxyServer}"]`,
      'CMD ["-host=0.0.0.0"]',
      `LABEL org.opencontainers.image.title="Toxiproxy ${TOXIPROXY_VERSION} for rmq-chaos"`,
    ];
  });
}

/** `<cli> build -t image` of a temporary context that `fill` populates, returning the Containerfile's lines. */
async function buildImage(cli: ImageCli, image: string, fill: (context: string) => Promise<string[]>): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), 'rmq-chaos-image-'));
  try {
    const containerfile = await fill(context);
    await writeFile(join(context, 'Containerfile'), [...containerfile, ''].join('\n'));
    await runTool(
      cli,
      ['build', '-t', image, '-f', join(context, 'Containerfile'), context],
      context,
      `${cli} build of ${image} failed`,
      `run \`${cli} build\` by hand to see why`,
      envFor(cli),
    );
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

function envFor(cli: ImageCli): NodeJS.ProcessEnv {
  return cli === 'podman' ? podmanEnv() : process.env;
}

async function requireCommand(command: string, install: string): Promise<void> {
  const found = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')].some(
    (dir) => dir && existsSync(join(dir, command)),
  );
  if (!found)
    throw new EnvironmentError(
      'tool-missing',
      `${command} is not available (it builds the containers provider's base image)`,
      install,
    );
}

function exec(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: command === 'podman' ? podmanEnv() : process.env,
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (error) => resolve({ code: -1, output: error.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
