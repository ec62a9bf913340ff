import { homedir } from 'node:os';
import { join } from 'node:path';
import { ROCKETMQ_VERSION, TOXIPROXY_VERSION } from './versions.ts';

/** Root of everything rmq-chaos downloads or builds; `RMQ_CHAOS_CACHE` overrides it. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RMQ_CHAOS_CACHE) return env.RMQ_CHAOS_CACHE;
  const xdg = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'rmq-chaos');
}

export interface CachePaths {
  root: string;
  /** RocketMQ jars with their dependencies, flat, as `-cp dir/*` wants them. */
  rocketmqLib: string;
  rocketmqMarker: string;
  toxiproxyBin: string;
  toxiproxyServer: string;
  toxiproxyCli: string;
  toxiproxyMarker: string;
  /** Per-run state (pid files, port claims) that `cleanup` and the watchdog read. */
  runs: string;
}

export function cachePaths(root = cacheRoot()): CachePaths {
  const rocketmq = join(root, `rocketmq-${ROCKETMQ_VERSION}`);
  const toxiproxy = join(root, `toxiproxy-${TOXIPROXY_VERSION}`);
  return {
    root,
    rocketmqLib: join(rocketmq, 'lib'),
    rocketmqMarker: join(rocketmq, '.complete'),
    toxiproxyBin: join(toxiproxy, 'bin'),
    toxiproxyServer: join(toxiproxy, 'bin', 'toxiproxy-server'),
    toxiproxyCli: join(toxiproxy, 'bin', 'toxiproxy-cli'),
    toxiproxyMarker: join(toxiproxy, '.complete'),
    runs: join(root, 'runs'),
  };
}
