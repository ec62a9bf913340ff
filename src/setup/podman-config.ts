/**
 * The containers.conf rmq-chaos hands Podman (through CONTAINERS_CONF, for its CLI and its
 * API service): the runc runtime, and ulimits low enough for a container runtime inside a VM
 * or another container whose own limits are below Podman's defaults (nofile 1048576 fails
 * there). The machine's /etc/containers stays untouched.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachePaths } from './cache-dir.ts';

export const CONTAINER_ULIMITS = { nofile: { soft: 10_000, hard: 10_000 }, nproc: { soft: 1000, hard: 1000 } } as const;

/**
 * For containers whose JVMs all run as one uid (the official image's rocketmq, uid 3000):
 * RLIMIT_NPROC counts a uid's threads host-wide, so the JVMs share one limit, and RocketMQ
 * sizes its thread pools by the processor count. Measured under Podman on 2 processors: about
 * 750 threads of uid 3000 after a smoke run (namesrv, 2 brokers, proxy); with
 * -XX:ActiveProcessorCount=16, over 1000, where nproc 1000 made brokers and proxy fail
 * pthread_create (EAGAIN). 16384 leaves room on large hosts and is one runc sets under Podman
 * here (65536 fails with EPERM). Both limits or neither: Podman drops its default nproc when
 * only nofile is set, and runc then fails to set it (EPERM here).
 */
export const SHARED_UID_ULIMITS = {
  nofile: { ...CONTAINER_ULIMITS.nofile },
  nproc: { soft: 16_384, hard: 16_384 },
} as const;

export type Ulimits = typeof CONTAINER_ULIMITS | typeof SHARED_UID_ULIMITS;

/** A mutable copy, as testcontainers' withUlimits and the compose file take ulimits. */
export function ulimitRecord(limits: Ulimits): Record<string, { soft: number; hard: number }> {
  return Object.fromEntries(Object.entries(limits).map(([name, { soft, hard }]) => [name, { soft, hard }]));
}

export function podmanConfigFile(): string {
  return join(cachePaths().root, 'podman', 'containers.conf');
}

export function podmanConfigText(): string {
  const ulimits = Object.entries(CONTAINER_ULIMITS)
    .map(([name, { soft, hard }]) => `"${name}=${soft}:${hard}"`)
    .join(', ');
  return `# written by rmq-chaos (src/cluster/containers/podman-config.ts); read through CONTAINERS_CONF
[containers]
default_ulimits = [${ulimits}]

[engine]
runtime = "runc"
`;
}

export function writePodmanConfig(): string {
  const file = podmanConfigFile();
  mkdirSync(join(cachePaths().root, 'podman'), { recursive: true });
  writeFileSync(file, podmanConfigText());
  return file;
}

/** The environment for every `podman` rmq-chaos runs. */
export function podmanEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CONTAINERS_CONF: writePodmanConfig() };
}
