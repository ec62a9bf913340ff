import { UsageError } from '../util/errors.ts';
import type { ClusterProvider } from './provider.ts';
import { externalProvider } from './providers/external.ts';
import { localProvider } from './providers/local.ts';

/** Cluster providers by the name a plan uses in `cluster.provider`. */
const PROVIDERS: Record<string, ClusterProvider> = {
  local: localProvider,
  // Loaded on use: testcontainers (dockerode and its dependencies) is heavy for every other command.
  containers: {
    name: 'containers',
    start: async (spec, context) => (await import('./providers/containers.ts')).containersProvider.start(spec, context),
  },
  external: externalProvider,
};

export function getProvider(name: string): ClusterProvider {
  const provider = PROVIDERS[name];
  if (!provider) {
    throw new UsageError(
      `cluster provider "${name}" is not available in this version (available: ${Object.keys(PROVIDERS).join(', ')})`,
      'use --set cluster.provider=local (or external with cluster.namesrvAddr)',
    );
  }
  return provider;
}
