/**
 * The images the `containers` provider runs, built on this machine from what `setup` already
 * cached, for machines that cannot pull (no registry but the package ones):
 *
 * - `localhost/rmq-chaos/jre:17`: a minimal Debian rootfs (`debootstrap --variant=minbase`
 *   from the Debian mirror apt uses) with openjdk-17-jre-headless installed in a chroot,
 *   imported as an image (`podman import`);
 * - `localhost/rmq-chaos/rocketmq:<version>`: that plus the cached RocketMQ jars in
 *   /opt/rocketmq/lib (COPY only: the build runs no container);
 * - `localhost/rmq-chaos/toxiproxy:<version>`: the cached, statically linked toxiproxy-server
 *   and -cli on an empty image.
 *
 * Idempotent: an image that exists is kept (its tag carries the pinned version); a failed
 * step leaves no image behind. Needs root (debootstrap, chroot) and the runtime's CLI.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podmanEnv } from '../cluster/containers/podman-config.ts';
import { MAIN_CLASS } from '../cluster/providers/local/jvm.ts';
import { EnvironmentError } from '../util/errors.ts';
import { cachePaths } from './cache-dir.ts';
import { withInstallLock } from './install-lock.ts';
import { provision, runTool, type SetupLog } from './provision.ts';
import { ROCKETMQ_VERSION, TOXIPROXY_VERSION } from './versions.ts';

export const DEBIAN_SUITE = 'bookworm';
export const DEBIAN_MIRROR = process.env.RMQ_CHAOS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

export const IMAGES = {
  jre: 'localhost/rmq-chaos/jre:17-bookworm',
  rocketmq: `localhost/rmq-chaos/rocketmq:${ROCKETMQ_VERSION}`,
  toxiproxy: `localhost/rmq-chaos/toxiproxy:${TOXIPROXY_VERSION.replace(/^v/, '')}`,
} as const;

/**
 * Where the images' files live inside them. The RocketMQ image mirrors the official
 * apache/rocketmq image's layout (user home /home/rocketmq, `sh mqbroker` etc. in
 * /home/rocketmq/rocketmq-<version>/bin, extra JVM options in JAVA_OPT_EXT) and the Toxiproxy
 * image the official one's (/toxiproxy), so the provider and docker-compose.yml run either.
 */
export const IMAGE_PATHS = {
  rocketmqLib: '/opt/rocketmq/lib',
  rocketmqHome: '/home/rocketmq',
  rocketmqBin: `/home/rocketmq/rocketmq-${ROCKETMQ_VERSION}/bin`,
  toxiproxyServer: '/toxiproxy',
} as const;

/** The official images, for users who can pull them (RMQ_CHAOS_*_IMAGE=official). */
export const OFFICIAL_IMAGES = {
  rocketmq: `apache/rocketmq:${ROCKETMQ_VERSION}`,
  toxiproxy: `ghcr.io/shopify/toxiproxy:${TOXIPROXY_VERSION.replace(/^v/, '')}`,
} as const;

/**
 * The images a run uses: the locally built ones unless RMQ_CHAOS_ROCKETMQ_IMAGE or
 * RMQ_CHAOS_TOXIPROXY_IMAGE names another (`official` for the official image).
 */
export function selectedImages(env: NodeJS.ProcessEnv = process.env): { rocketmq: string; toxiproxy: string; localRocketmq: boolean; localToxiproxy: boolean } {
  const pick = (value: string | undefined, official: string, local: string) => (!value ? local : value === 'official' ? official : value);
  const rocketmq = pick(env.RMQ_CHAOS_ROCKETMQ_IMAGE, OFFICIAL_IMAGES.rocketmq, IMAGES.rocketmq);
  const toxiproxy = pick(env.RMQ_CHAOS_TOXIPROXY_IMAGE, OFFICIAL_IMAGES.toxiproxy, IMAGES.toxiproxy);
  return { rocketmq, toxiproxy, localRocketmq: rocketmq === IMAGES.rocketmq, localToxiproxy: toxiproxy === IMAGES.toxiproxy };
}

/** Our counterpart of the official image's start scripts: java with JAVA_OPT_EXT on the jars. */
export function startScript(mainClass: string): string {
  const lib = `${IMAGE_PATHS.rocketmqLib}/*`;
  return [
    '#!/bin/sh',
    '# rmq-chaos: like the official image\'s start script; JVM options in JAVA_OPT_EXT',
    `exec java \${JAVA_OPT_EXT:--Xms256m -Xmx256m} -Djava.net.preferIPv4Stack=true -Duser.home=${IMAGE_PATHS.rocketmqHome} -cp "${lib}" ${mainClass} "$@"`,
    '',
  ].join('\n');
}

export type ImageCli = 'podman' | 'docker';

export const START_SCRIPTS = {
  mqnamesrv: MAIN_CLASS.namesrv,
  mqbroker: MAIN_CLASS.broker,
  mqproxy: MAIN_CLASS.proxy,
} as const;

export async function imageExists(cli: ImageCli, image: string): Promise<boolean> {
  return (await exec(cli, ['image', 'inspect', '--format', '{{.Id}}', image])).code === 0;
}

/** Builds whichever of the three images is missing; returns the ones it built. */
export async function ensureImages(log: SetupLog, cli: ImageCli): Promise<string[]> {
  const built: string[] = [];
  const paths = (await provision(log)).paths;
  await withInstallLock(join(paths.root, '.images.lock'), async () => {
    if (await imageExists(cli, IMAGES.jre)) log(`image ${IMAGES.jre}: present`);
    else built.push(await timed(log, `image ${IMAGES.jre} (debootstrap ${DEBIAN_SUITE} minbase + openjdk-17-jre-headless, then ${cli} import)`, () => buildJreImage(cli, log)));
    if (await imageExists(cli, IMAGES.rocketmq)) log(`image ${IMAGES.rocketmq}: present`);
    else built.push(await timed(log, `image ${IMAGES.rocketmq} (${IMAGES.jre} + the cached jars of ${paths.rocketmqLib})`, () => buildRocketmqImage(cli)));
    if (await imageExists(cli, IMAGES.toxiproxy)) log(`image ${IMAGES.toxiproxy}: present`);
    else built.push(await timed(log, `image ${IMAGES.toxiproxy} (the cached ${paths.toxiproxyServer})`, () => buildToxiproxyImage(cli)));
  }, () => log('another rmq-chaos setup is building images; waiting for it'));
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
    throw new EnvironmentError('setup-images', 'building the base image needs root (debootstrap and chroot)', 'run `rmq-chaos setup --images` as root once, or load an image with a JRE as localhost/rmq-chaos/jre:17-bookworm');
  }
  await requireCommand('debootstrap', 'apt-get install -y debootstrap');
  const work = await mkdtemp(join(tmpdir(), 'rmq-chaos-rootfs-'));
  const rootfs = join(work, 'rootfs');
  try {
    log(`  debootstrap --variant=minbase ${DEBIAN_SUITE} ${rootfs} ${DEBIAN_MIRROR}`);
    await runTool('debootstrap', ['--variant=minbase', DEBIAN_SUITE, rootfs, DEBIAN_MIRROR], work,
      'debootstrap failed', `check that ${DEBIAN_MIRROR} is reachable (RMQ_CHAOS_DEBIAN_MIRROR overrides it)`);
    log('  chroot: apt-get install --no-install-recommends openjdk-17-jre-headless');
    // The JRE's postinst (ca-certificates-java) runs java, which wants /proc.
    await runTool('mount', ['-t', 'proc', 'proc', join(rootfs, 'proc')], work, 'mounting /proc in the rootfs failed', 'run as root');
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
      await runTool('chroot', [rootfs, '/bin/sh', '-c', script], work, 'installing the JRE in the rootfs failed', `check that ${DEBIAN_MIRROR} is reachable`);
    } finally {
      await runTool('umount', [join(rootfs, 'proc')], work, 'unmounting /proc in the rootfs failed', 'umount it by hand').catch(() => undefined);
    }
    const tarball = join(work, 'rootfs.tar');
    await runTool('tar', ['-C', rootfs, '-cf', tarball, '.'], work, 'packing the rootfs failed', 'check free disk space');
    await runTool(cli, ['import', '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--change', 'ENV LANG=C.UTF-8', tarball, IMAGES.jre], work,
      `${cli} import failed`, `run \`${cli} import\` by hand to see why`, envFor(cli));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function buildRocketmqImage(cli: ImageCli): Promise<void> {
  const paths = cachePaths();
  const context = await mkdtemp(join(tmpdir(), 'rmq-chaos-image-'));
  try {
    await runTool('cp', ['-r', paths.rocketmqLib, join(context, 'lib')], context, 'copying the jars failed', 'check free disk space');
    await mkdir(join(context, 'bin'));
    for (const [script, mainClass] of Object.entries(START_SCRIPTS)) await writeFile(join(context, 'bin', script), startScript(mainClass), { mode: 0o755 });
    await writeFile(join(context, 'Containerfile'), [
      `FROM ${IMAGES.jre}`,
      `COPY lib ${IMAGE_PATHS.rocketmqLib}`,
      `COPY bin ${IMAGE_PATHS.rocketmqBin}`,
      `ENV ROCKETMQ_HOME=${IMAGE_PATHS.rocketmqBin.replace(/\/bin$/, '')}`,
      `WORKDIR ${IMAGE_PATHS.rocketmqBin}`,
      `LABEL org.opencontainers.image.title="RocketMQ ${ROCKETMQ_VERSION} (namesrv, broker, proxy, tools) for rmq-chaos"`,
      '',
    ].join('\n'));
    await runTool(cli, ['build', '-t', IMAGES.rocketmq, '-f', join(context, 'Containerfile'), context], context, `${cli} build of ${IMAGES.rocketmq} failed`, `run \`${cli} build\` by hand to see why`, envFor(cli));
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

async function buildToxiproxyImage(cli: ImageCli): Promise<void> {
  const paths = cachePaths();
  const context = await mkdtemp(join(tmpdir(), 'rmq-chaos-image-'));
  try {
    await mkdir(join(context, 'bin'));
    await copyFile(paths.toxiproxyServer, join(context, 'bin', 'toxiproxy-server'));
    await copyFile(paths.toxiproxyCli, join(context, 'bin', 'toxiproxy-cli'));
    await writeFile(join(context, 'Containerfile'), [
      'FROM scratch',
      `COPY bin/toxiproxy-server ${IMAGE_PATHS.toxiproxyServer}`,
      'COPY bin/toxiproxy-cli /toxiproxy-cli',
      `ENTRYPOINT ["${IMAGE_PATHS.toxiproxyServer}"]`,
      'CMD ["-host=0.0.0.0"]',
      `LABEL org.opencontainers.image.title="Toxiproxy ${TOXIPROXY_VERSION} for rmq-chaos"`,
      '',
    ].join('\n'));
    await runTool(cli, ['build', '-t', IMAGES.toxiproxy, '-f', join(context, 'Containerfile'), context], context, `${cli} build of ${IMAGES.toxiproxy} failed`, `run \`${cli} build\` by hand to see why`, envFor(cli));
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

function envFor(cli: ImageCli): NodeJS.ProcessEnv {
  return cli === 'podman' ? podmanEnv() : process.env;
}

async function requireCommand(command: string, install: string): Promise<void> {
  const found = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')].some((dir) => dir && existsSync(join(dir, command)));
  if (!found) throw new EnvironmentError('tool-missing', `${command} is not available (it builds the containers provider's base image)`, install);
}

function exec(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: command === 'podman' ? podmanEnv() : process.env });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', (error) => resolve({ code: -1, output: error.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
