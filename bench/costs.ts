/**
 * `npm run bench costs`: what a fleet instance costs the load machine, Node worker against
 * the Java worker (RocketMQ's own remoting client), producer and consumer, against the same
 * broker in the same run. Each instance is a real worker process driven through the worker
 * protocol, as in a run; its CPU time (utime + stime from /proc/<pid>/stat) is read when it
 * is ready and when its work is done, so start-up is left out, and its peak RSS (VmHWM) at
 * the end. Rounds alternate the drivers so drift in the machine's load falls on both.
 *
 * Figures are per 10 000 messages and as ratios node / java: the goal in the issue is that
 * the Node worker costs at most half the Java client's CPU per message.
 */
import { readFileSync } from 'node:fs';
import { startTestCluster, type TestCluster } from '../src/cluster/scratch-cluster.ts';
import { FleetWorker } from '../src/fleet/fleet-worker.ts';
import type { ConsumerConfig, FromWorker, ProducerConfig } from '../src/fleet/protocol.ts';
import { javaWorkerLaunch, nodeWorkerLaunch, type WorkerLaunch } from '../src/fleet/worker-launch.ts';
import { provisionJavaWorker } from '../src/setup/java-worker.ts';
import { ROCKETMQ_VERSION } from '../src/setup/versions.ts';

const MESSAGES = Number(process.env.BENCH_COSTS_MESSAGES ?? 30_000);
const RATE = Number(process.env.BENCH_COSTS_RATE ?? 3000);
const ROUNDS = Number(process.env.BENCH_COSTS_ROUNDS ?? 2);
const CLOCK_TICKS = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in 1/100 s.

interface Cost {
  cpuSeconds: number;
  peakRssMiB: number;
  messages: number;
}

function cpuSecondsOf(pid: number): number {
  // Fields 14 and 15 (utime, stime) after the command name, which may contain spaces: split after ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

/** Starts a worker and resolves when `done(message)` says its work is over; then reads its cost and stops it. */
async function measure(
  cluster: TestCluster,
  id: string,
  kind: 'producer' | 'consumer',
  launch: WorkerLaunch,
  start: (worker: FleetWorker) => void,
  done: (message: FromWorker | undefined) => boolean,
  counted: (message: FromWorker) => number,
  /** Gets a function that checks `done` again without a message (when its target moved). */
  onRecheck?: (recheck: () => void) => void,
): Promise<Cost> {
  let messages = 0;
  let before = 0;
  let cost: Cost | undefined;
  let finish: (() => void) | undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let crashed: string | undefined;
  const check = (pid: number, message: FromWorker | undefined) => {
    // Read at once, in the handler: a producer exits right after its last messages.
    if (!cost && done(message)) {
      cost = { cpuSeconds: cpuSecondsOf(pid) - before, peakRssMiB: peakRssMiB(pid), messages };
      finish?.();
    }
  };
  const worker: FleetWorker = FleetWorker.local(
    id,
    kind,
    cluster.resources,
    (w, message) => {
      messages += counted(message);
      check(w.proc.pid, message);
    },
    (_w, exit) => {
      crashed = `${id} exited ${exit.code ?? exit.signal}`;
      finish?.();
    },
    launch,
  );
  onRecheck?.(() => check(worker.proc.pid, undefined));
  start(worker);
  await worker.ready(120_000);
  before = cpuSecondsOf(worker.proc.pid);
  await finished;
  if (crashed || !cost) throw new Error(crashed ?? `${id} ended without its cost`);
  await worker.stop();
  return cost;
}

const per10k = (c: Cost) => (c.cpuSeconds / c.messages) * 10_000;

export async function benchCosts(): Promise<void> {
  const java = await provisionJavaWorker({ protocol: 'remoting', version: ROCKETMQ_VERSION }, (line) =>
    console.log(`costs: ${line}`),
  );
  // A topic per measured instance: each consumer reads exactly its own feeder's messages.
  const topic = (role: string, driver: string, round: number) => `costs-${role}-${driver}-${round}`;
  const topics = Array.from({ length: ROUNDS }, (_, round) =>
    ['node', 'java'].flatMap((driver) => ['p', 'c'].map((role) => ({ name: topic(role, driver, round), queues: 4 }))),
  ).flat();
  await using cluster = await startTestCluster({ topics });
  const launches: Record<'node' | 'java', () => WorkerLaunch> = {
    node: () => nodeWorkerLaunch(),
    java: () => javaWorkerLaunch(java, { logDir: cluster.resources.workDir }),
  };
  const results: Record<'node' | 'java', { producer: Cost[]; consumer: Cost[] }> = {
    node: { producer: [], consumer: [] },
    java: { producer: [], consumer: [] },
  };
  const producerConfig = (id: string, topicName: string, seed: number): ProducerConfig => ({
    runId: 'costs',
    producerId: id,
    fleet: id.split('#')[0] ?? id,
    driver: 'remoting',
    namesrvAddr: cluster.namesrvAddr,
    routeRefreshMs: 30_000,
    group: 'costs-producer',
    topic: topicName,
    executor: { kind: 'constant', ratePerSecond: RATE },
    messageSize: 1024,
    tags: [],
    maxMessages: MESSAGES,
    durationMs: Math.ceil((MESSAGES / RATE) * 1000) + 60_000,
    seed,
    maxInFlight: 512,
    sendMode: 'async',
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (const driver of round % 2 === 0 ? (['node', 'java'] as const) : (['java', 'node'] as const)) {
      const sender = producerConfig(`${driver}-producer#${round}`, topic('p', driver, round), round);
      results[driver].producer.push(
        await measure(
          cluster,
          sender.producerId,
          'producer',
          launches[driver](),
          (w) => w.send({ type: 'start-producer', config: sender }),
          (m) => m?.type === 'producer-done',
          (m) => (m.type === 'acks' ? m.seqs.length : 0),
        ),
      );
      const consumerConfig: ConsumerConfig = {
        runId: 'costs',
        instanceId: `${driver}-consumer#${round}`,
        fleet: `${driver}-consumer`,
        driver: 'remoting',
        namesrvAddr: cluster.namesrvAddr,
        routeRefreshMs: 30_000,
        group: `costs-${driver}-${round}`,
        model: 'clustering',
        mode: 'push',
        consume: 'concurrently',
        subscription: { [topic('c', driver, round)]: '*' },
        consumeTime: { kind: 'fixed', ms: 0 },
        failure: { ratio: 0, first: 0 },
        seed: round,
      };
      // Done once it has received everything its feeder got acked (a due send beyond maxInFlight
      // is dropped, so that can be fewer than MESSAGES).
      let received = 0;
      let target = Number.POSITIVE_INFINITY;
      let recheck: (() => void) | undefined;
      const consumer = measure(
        cluster,
        consumerConfig.instanceId,
        'consumer',
        launches[driver](),
        (w) => w.send({ type: 'start-consumer', config: consumerConfig }),
        (m) => {
          if (m?.type === 'receipts') received += m.items.length;
          return received >= target;
        },
        (m) => (m.type === 'receipts' ? m.items.length : 0),
        (r) => (recheck = r),
      );
      // Its messages come from an unmeasured Node feeder, once the consumer has its queues.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const feeder = producerConfig(`${driver}-feeder#${round}`, topic('c', driver, round), round);
      const fed = await measure(
        cluster,
        feeder.producerId,
        'producer',
        launches.node(),
        (w) => w.send({ type: 'start-producer', config: feeder }),
        (m) => m?.type === 'producer-done',
        (m) => (m.type === 'acks' ? m.seqs.length : 0),
      );
      target = fed.messages;
      recheck?.();
      results[driver].consumer.push(await consumer);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  console.log(`\ncosts: ${MESSAGES} messages of 1 KiB at ${RATE}/s per instance, ${ROUNDS} rounds, one broker`);
  console.log('| role | node CPU-s / 10k | java CPU-s / 10k | ratio node/java | node peak RSS | java peak RSS |');
  console.log('|---|---|---|---|---|---|');
  for (const role of ['producer', 'consumer'] as const) {
    const nodeCpu = median(results.node[role].map(per10k));
    const javaCpu = median(results.java[role].map(per10k));
    const nodeRss = median(results.node[role].map((c) => c.peakRssMiB));
    const javaRss = median(results.java[role].map((c) => c.peakRssMiB));
    console.log(
      `| ${role} | ${nodeCpu.toFixed(2)} | ${javaCpu.toFixed(2)} | ${(nodeCpu / javaCpu).toFixed(2)} | ` +
        `${nodeRss.toFixed(0)} MiB | ${javaRss.toFixed(0)} MiB |`,
    );
  }
}
