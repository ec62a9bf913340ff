/**
 * A real local cluster outside a run, for integration tests and benchmarks, through the same
 * provider and resource owner a run uses (watchdog included):
 * `await using cluster = await startTestCluster({...})` stops every JVM and removes its store
 * when the scope ends.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProvider } from './registry.ts';
import type { ClusterEndpoints, StartedCluster } from './provider.ts';
import { createTopics } from './topics.ts';
import type { AclCredentials } from '../protocol/index.ts';
import { RunResources } from '../runtime/run-resources.ts';
import { RunState } from '../runtime/run-state.ts';
import { cachePaths } from '../setup/cache-dir.ts';
import type { HaMode } from './ha-modes.ts';
import { provision } from '../setup/provision.ts';

export interface TestClusterOptions {
  brokers?: number;
  proxy?: boolean;
  topics: { name: string; queues: number }[];
  log?: (line: string) => void;
  startOrder?: 'parallel' | 'sequential';
  /** Every connection through Toxiproxy (`cluster.network` then controls the links). */
  network?: boolean;
  slavesPerMaster?: number;
  /** RocketMQ server version (default the pinned one). */
  version?: string;
  ha?: HaMode;
  /** Default `local`. */
  provider?: 'local' | 'containers';
  /** broker.conf entries (e.g. authentication on). */
  brokerConfig?: Record<string, string | number | boolean>;
  /** An admin user's keys, for setting up a cluster with authentication on. */
  adminCredentials?: AclCredentials;
}

export interface TestCluster extends AsyncDisposable {
  namesrvAddr: string;
  brokers: ClusterEndpoints['brokers'];
  endpoints: ClusterEndpoints;
  cluster: StartedCluster;
  resources: RunResources;
}

let counter = 0;

export async function startTestCluster(options: TestClusterOptions): Promise<TestCluster> {
  const log = options.log ?? (() => {});
  await provision(log, undefined, options.version ? { rocketmqVersion: options.version } : {});
  const runId = `test-${process.pid}-${Date.now()}-${counter++}`;
  const workDir = join(tmpdir(), 'rmq-chaos', runId);
  mkdirSync(workDir, { recursive: true });
  const state = RunState.create(cachePaths().runs, { runId, workDir, keep: false });
  const resources = new RunResources(state, log);
  resources.startWatchdog();
  try {
    const cluster = await getProvider(options.provider ?? 'local').start(
      {
        clusterName: 'rmq-chaos',
        ...(options.version ? { version: options.version } : {}),
        ...(options.ha ? { ha: options.ha } : {}),
        namesrv: 1,
        brokers: options.brokers ?? 1,
        slavesPerMaster: options.slavesPerMaster ?? 0,
        proxy: options.proxy ?? false,
        heapBytes: 256 * 1024 * 1024,
        brokerConfig: options.brokerConfig ?? {},
        namesrvConfig: {},
      },
      {
        resources,
        log,
        network: options.network ?? false,
        ...(options.startOrder ? { startOrder: options.startOrder } : {}),
      },
    );
    resources.defer('cluster', () => cluster.stop());
    await createTopics(cluster.endpoints, options.topics, log, options.adminCredentials);
    return {
      namesrvAddr: cluster.endpoints.namesrvAddr,
      brokers: cluster.endpoints.brokers,
      endpoints: cluster.endpoints,
      cluster,
      resources,
      [Symbol.asyncDispose]: async () => {
        await resources.release();
      },
    };
  } catch (error) {
    await resources.release();
    throw error;
  }
}
