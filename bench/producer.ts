/**
 * Maximum producer throughput of the harness's remoting producer against one local broker,
 * with a reference measured in the same run against the same broker: the official Java
 * client (DefaultMQProducer, async sends), same in-flight window, message size and duration.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RemotingProducer } from '../src/drivers/remoting/index.ts';
import { cachePaths } from '../src/setup/cache-dir.ts';
import { startTestCluster } from '../src/cluster/scratch-cluster.ts';

const execFileAsync = promisify(execFile);
const SECONDS = Number(process.env.BENCH_PRODUCER_SECONDS ?? 10);
const IN_FLIGHT = 256;
const SIZE = 1024;
const JAVA_PRODUCER = fileURLToPath(new URL('./java/JavaProducer.java', import.meta.url));

async function harnessProducer(
  namesrvAddr: string,
  topic: string,
): Promise<{ acked: number; failed: number; seconds: number }> {
  const producer = await RemotingProducer.start({
    namesrvAddr,
    group: 'bench-node-producer',
    instanceName: 'bench-node',
    sendTimeoutMs: 10_000,
  });
  const body = Buffer.alloc(SIZE, 0x2e);
  await producer.send({ topic, body, properties: {} });
  let acked = 0;
  let failed = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const lanes = Array.from({ length: IN_FLIGHT }, async () => {
    while (performance.now() < end) {
      try {
        await producer.send({ topic, body, properties: {} });
        acked++;
      } catch {
        failed++;
      }
    }
  });
  await Promise.all(lanes);
  const seconds = (performance.now() - started) / 1000;
  await producer.close();
  return { acked, failed, seconds };
}

async function javaProducer(
  namesrvAddr: string,
  topic: string,
): Promise<{ acked: number; failed: number; seconds: number }> {
  const { stdout } = await execFileAsync(
    'java',
    [
      '-Xmx512m',
      '-cp',
      `${cachePaths().rocketmqLib}/*`,
      JAVA_PRODUCER,
      namesrvAddr,
      topic,
      String(SECONDS),
      String(IN_FLIGHT),
      String(SIZE),
    ],
    {
      env: { ...process.env, ROCKETMQ_HOME: cachePaths().root },
      timeout: (SECONDS + 120) * 1000,
    },
  );
  const match = /acked=(\d+) failed=(\d+) seconds=([\d.]+)/.exec(stdout);
  if (!match) throw new Error(`unexpected output of the Java producer: ${stdout}`);
  return { acked: Number(match[1]), failed: Number(match[2]), seconds: Number(match[3]) };
}

export async function benchProducer(): Promise<void> {
  await using cluster = await startTestCluster({
    topics: [
      { name: 'bench-node', queues: 8 },
      { name: 'bench-java', queues: 8 },
    ],
  });
  console.log(`producer throughput, one local broker, ${SIZE} B messages, ${IN_FLIGHT} in flight, ${SECONDS} s each`);
  const rate = (r: { acked: number; seconds: number }) => r.acked / r.seconds;
  // Java first, then the harness, then Java again: the broker warms up over the first run.
  const java1 = await javaProducer(cluster.namesrvAddr, 'bench-java');
  const node = await harnessProducer(cluster.namesrvAddr, 'bench-node');
  const java2 = await javaProducer(cluster.namesrvAddr, 'bench-java');
  const javaRate = Math.max(rate(java1), rate(java2));
  console.log(
    `  Java client (reference)  ${rate(java1).toFixed(0)} /s, then ${rate(java2).toFixed(0)} /s  (failed ` +
      `${java1.failed + java2.failed})`,
  );
  console.log(`  rmq-chaos remoting       ${rate(node).toFixed(0)} /s  (failed ${node.failed})`);
  console.log(`  rmq-chaos / Java (best)  ${(rate(node) / javaRate).toFixed(2)}`);
}
