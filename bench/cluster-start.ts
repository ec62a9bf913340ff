/**
 * Cluster start time of the local provider: 1 namesrv + 2 brokers + proxy started in parallel
 * (what runs do) against the same nodes started one after another (the reference), in the
 * same process, alternating, so machine noise hits both alike. Prints medians and the ratio.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localProvider } from '../src/cluster/providers/local.ts';
import { RunResources } from '../src/runtime/run-resources.ts';
import { RunState } from '../src/runtime/run-state.ts';
import { cachePaths } from '../src/setup/cache-dir.ts';
import { provision } from '../src/setup/provision.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function startOnce(order: 'parallel' | 'sequential'): Promise<number> {
  const runId = `bench-start-${order}-${Date.now()}`;
  const workDir = join(tmpdir(), 'rmq-chaos', runId);
  mkdirSync(workDir, { recursive: true });
  const resources = new RunResources(RunState.create(cachePaths().runs, { runId, workDir, keep: false }), () => {});
  resources.startWatchdog();
  try {
    const cluster = await localProvider.start(
      { clusterName: 'rmq-chaos', namesrv: 1, brokers: 2, slavesPerMaster: 0, proxy: true, heapBytes: 256 * 1024 * 1024, brokerConfig: {} },
      { resources, log: () => {}, startOrder: order },
    );
    await cluster.stop();
    return cluster.startMs;
  } finally {
    await resources.release();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchClusterStart(): Promise<void> {
  await provision(() => {});
  const times = { parallel: [] as number[], sequential: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const order of ['parallel', 'sequential'] as const) times[order].push(await startOnce(order));
  }
  const p = median(times.parallel);
  const s = median(times.sequential);
  const fmt = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(1)).join(', ');
  console.log('cluster start, 1 namesrv + 2 brokers + proxy (ready = every broker listed by the name server)');
  console.log(`  parallel    median ${(p / 1000).toFixed(1)}s  runs [${fmt(times.parallel)}]`);
  console.log(`  sequential  median ${(s / 1000).toFixed(1)}s  runs [${fmt(times.sequential)}]  (reference)`);
  console.log(`  parallel / sequential = ${(p / s).toFixed(2)}`);
}
