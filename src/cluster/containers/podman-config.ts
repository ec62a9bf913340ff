/**
 * The containers.conf rmq-chaos hands Podman (through CONTAINERS_CONF, for its CLI and its
 * API service): the runc runtime, and ulimits low enough for a container runtime inside a VM
 * or another container whose own limits are below Podman's defaults (nofile 1048576 fails
 * there). The machine's /etc/containers stays untouched.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachePaths } from '../../setup/cache-dir.ts';

export const CONTAINER_ULIMITS = { nofile: { soft: 10_000, hard: 10_000 }, nproc: { soft: 1000, hard: 1000 } } as const;

export function podmanConfigFile(): string {
  return join(cachePaths().root, 'podman', 'containers.conf');
}

export function podmanConfigText(): string {
  const ulimits = Object.entries(CONTAINER_ULIMITS).map(([name, { soft, hard }]) => `"${name}=${soft}:${hard}"`).join(', ');
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
