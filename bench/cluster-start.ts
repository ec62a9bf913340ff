/**
 * Cluster start time of the local provider: 1 namesrv + 2 brokers + proxy started in stages
 * with every node of a stage at once (what runs do) against the same nodes started one after
 * another (the reference), in the same process, alternating, so machine noise hits both alike.
 */
import { startTestCluster } from '../src/cluster/scratch-cluster.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function startOnce(startOrder: 'parallel' | 'sequential'): Promise<number> {
  await using cluster = await startTestCluster({ brokers: 2, proxy: true, topics: [], startOrder });
  return cluster.cluster.startMs;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchClusterStart(): Promise<void> {
  const times = { parallel: [] as number[], sequential: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const order of ['parallel', 'sequential'] as const) times[order].push(await startOnce(order));
  }
  const p = median(times.parallel);
  const s = median(times.sequential);
  const fmt = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(1)).join(', ');
  console.log(
    'cluster start, 1 namesrv + 2 brokers + proxy (ready = brokers listed by the name server, proxy accepting)',
  );
  console.log(`  staged parallel  median ${(p / 1000).toFixed(1)}s  runs [${fmt(times.parallel)}]`);
  console.log(`  sequential       median ${(s / 1000).toFixed(1)}s  runs [${fmt(times.sequential)}]  (reference)`);
  console.log(`  parallel / sequential = ${(p / s).toFixed(2)}`);
}
