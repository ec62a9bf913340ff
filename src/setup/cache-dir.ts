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
  /** The default version's RocketMQ jars and dependencies, flat, as `-cp dir/*` wants them (see `rocketmqPaths`). */
  rocketmqLib: string;
  rocketmqMarker: string;
  toxiproxyBin: string;
  toxiproxyServer: string;
  toxiproxyCli: string;
  toxiproxyMarker: string;
  /** Per-run state (pid files, port claims) that `cleanup` and the watchdog read. */
  runs: string;
}

/** Where one RocketMQ server version's jars live: `lib` (flat, for `-cp lib/*`) and its `.complete` marker. */
export function rocketmqPaths(version: string, root = cacheRoot()): { lib: string; marker: string } {
  const home = join(root, `rocketmq-${version}`);
  return { lib: join(home, 'lib'), marker: join(home, '.complete') };
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
