/**
 * Java fleet workers (workers/java) against a real cluster, through the same FleetWorker,
 * Measurements and ledger as Node workers: built by provisionJavaWorker for rocketmq-client
 * 4.9.7 and 5.3.3, started with javaWorkerLaunch (NDJSON over stdio).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetWorker, type WorkerKind } from '../../src/fleet/fleet-worker.ts';
import type { ConsumerConfig, FromWorker, ProducerConfig } from '../../src/fleet/protocol.ts';
import { javaWorkerLaunch } from '../../src/fleet/worker-launch.ts';
import { allQueueKeys } from '../../src/metrics/queue-keys.ts';
import type { ManagedProcess, ProcessExit } from '../../src/runtime/managed-process.ts';
import { EventLog } from '../../src/run/event-log.ts';
import { Measurements } from '../../src/run/measurements.ts';
import { type JavaWorkerBuild, provisionJavaWorker } from '../../src/setup/java-worker.ts';
import { waitFor } from '../support/wait-for.ts';
import { committedProtocolSchema } from '../unit/fleet/committed-protocol-schema.ts';
import { recordingLaunch, type WireMessage } from '../unit/fleet/recording-transport.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-java-fleets-'));
const TOPICS = [
  { name: 'jshare', queues: 4 },
  { name: 'jorder', queues: 4 },
  { name: 'jpull', queues: 4 },
  { name: 'jexit', queues: 2 },
  { name: 'jgrpc', queues: 4 },
];

let cluster: TestCluster;
const builds: Record<'4.9.7' | '5.3.3' | 'grpc-5.0.8', JavaWorkerBuild> = {} as never;

beforeAll(async () => {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  // Built before the cluster starts: Maven and the JVMs of the cluster would share the two cores.
  builds['4.9.7'] = await provisionJavaWorker({ protocol: 'remoting', version: '4.9.7' }, log);
  builds['5.3.3'] = await provisionJavaWorker({ protocol: 'remoting', version: '5.3.3' }, log);
  builds['grpc-5.0.8'] = await provisionJavaWorker({ protocol: 'grpc', version: '5.0.8' }, log);
  cluster = await startTestCluster({ proxy: true, topics: TOPICS });
}, 600_000);

afterAll(async () => {
  await cluster?.[Symbol.asyncDispose]();
  rmSync(dir, { recursive: true, force: true });
});

/** One scenario's coordinator side: Measurements fed by Java workers, every message kept per worker. */
class Harness {
  readonly m: Measurements;
  readonly events: EventLog;
  readonly workers: FleetWorker[] = [];
  readonly messages = new Map<string, FromWorker[]>();
  readonly crashes: { id: string; exit: ProcessExit }[] = [];
  /** Every message both ways as it crossed the wire, checked against the committed JSON Schema at the end. */
  readonly wire: WireMessage[] = [];

  constructor(name: string) {
    this.events = new EventLog(join(dir, `${name}.ndjson`));
    this.m = new Measurements(this.events, Date.now());
  }

  start(id: string, kind: WorkerKind, version: keyof typeof builds): FleetWorker {
    const worker = FleetWorker.local(
      id,
      kind,
      cluster.resources,
      (w, message) => {
        this.m.handle(message);
        const list = this.messages.get(w.id) ?? [];
        list.push(message);
        this.messages.set(w.id, list);
      },
      (w, exit) => this.crashes.push({ id: w.id, exit }),
      recordingLaunch(
        id,
        this.wire,
        javaWorkerLaunch(builds[version], { logDir: join(dir, 'client-logs', id.replace(/\W/g, '_')) }),
      ),
    );
    this.workers.push(worker);
    return worker;
  }

  consumer(config: ConsumerConfig, version: keyof typeof builds): FleetWorker {
    this.m.addConsumer({
      instanceId: config.instanceId,
      fleet: config.fleet,
      group: config.group,
      model: config.model,
    });
    const worker = this.start(config.instanceId, 'consumer', version);
    worker.send({ type: 'start-consumer', config });
    return worker;
  }

  producer(config: ProducerConfig, version: keyof typeof builds): FleetWorker {
    this.m.addProducer(config.producerId);
    const worker = this.start(config.producerId, 'producer', version);
    worker.send({ type: 'start-producer', config });
    return worker;
  }

  of<T extends FromWorker['type']>(id: string, type: T): Extract<FromWorker, { type: T }>[] {
    return (this.messages.get(id) ?? []).filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);
  }

  async drained(what: string, timeoutMs = 60_000): Promise<void> {
    await waitFor(() => (this.m.ledgerBacklog() === 0 ? true : undefined), timeoutMs, what);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.filter((w) => !w.proc.hasExited).map((w) => w.stop()));
    await this.events.close();
    // What a worker in another language must send: exactly the schema's messages and fields.
    const schema = committedProtocolSchema();
    const invalid = this.wire.flatMap((w) =>
      schema.errors(w.direction, w.message).map((e) => `${w.worker} ${JSON.stringify(w.message).slice(0, 200)}: ${e}`),
    );
    expect(invalid).toEqual([]);
    expect(this.wire.some((w) => w.direction === 'WorkerToCoordinator')).toBe(true);
  }
}

function consumer(
  group: string,
  instanceId: string,
  topic: string,
  extra: Partial<ConsumerConfig> = {},
): ConsumerConfig {
  return {
    runId: 'java-fleets',
    instanceId,
    fleet: group,
    driver: 'remoting',
    namesrvAddr: cluster.namesrvAddr,
    routeRefreshMs: 30_000,
    group,
    model: 'clustering',
    mode: 'push',
    consume: 'concurrently',
    subscription: { [topic]: '*' },
    consumeTime: { kind: 'fixed', ms: 0 },
    failure: { ratio: 0, first: 0 },
    seed: 1,
    ...extra,
  };
}

function producer(producerId: string, topic: string, extra: Partial<ProducerConfig> = {}): ProducerConfig {
  return {
    runId: 'java-fleets',
    producerId,
    fleet: 'p',
    driver: 'remoting',
    namesrvAddr: cluster.namesrvAddr,
    routeRefreshMs: 30_000,
    group: `${topic}-producer`,
    topic,
    executor: { kind: 'constant', ratePerSecond: 100 },
    messageSize: 128,
    tags: [],
    durationMs: 2_000,
    seed: 1,
    // The whole load (200): a cold JVM's first sends are slow on a busy machine, and a send due
    // while the cap is reached is dropped, not sent (one CI run acked 181 and 180 of 200 at 32).
    maxInFlight: 200,
    sendMode: 'async',
    ...extra,
  };
}

/** The last assignment each instance reported. */
function lastAssignments(h: Harness, ids: string[]): string[][] {
  return ids.map((id) => h.of(id, 'assignment').at(-1)?.queues ?? []);
}

describe('Java fleet workers', () => {
  it('a 4.9.7 and a 5.3.3 consumer share a group and receive every message a Java producer acked', async () => {
    const h = new Harness('share');
    try {
      const queues = allQueueKeys([{ name: 'jshare', queues: 4 }], ['broker-a']);
      const c0 = h.consumer(consumer('gshare', 'gshare#0', 'jshare', { failure: { ratio: 0, first: 2 } }), '4.9.7');
      const c1 = h.consumer(consumer('gshare', 'gshare#1', 'jshare'), '5.3.3');
      await Promise.all([c0.ready(60_000), c1.ready(60_000)]);
      expect(h.of('gshare#0', 'hello')[0]).toMatchObject({ implementation: 'java', client: 'rocketmq-client 4.9.7' });
      expect(h.of('gshare#1', 'hello')[0]).toMatchObject({ implementation: 'java', client: 'rocketmq-client 5.3.3' });
      // Both hold queues, none twice, all four covered.
      await waitFor(
        () => {
          const [a, b] = lastAssignments(h, ['gshare#0', 'gshare#1']);
          return a!.length > 0 && b!.length > 0 && [...a!, ...b!].sort().join() === queues.join() ? true : undefined;
        },
        40_000,
        'the two consumers to split the queues',
      );

      const p = h.producer(
        producer('pshare#0', 'jshare', {
          tags: [
            { tag: 'A', weight: 1 },
            { tag: 'B', weight: 1 },
          ],
          // TIMER_DELAY_MS set as a raw property: a 4.9 client has no setter for it.
          delay: { ratio: 0.2, delayMs: 1500 },
        }),
        '4.9.7',
      );
      await waitFor(() => (p.proc.hasExited ? true : undefined), 30_000, 'the producer to finish');
      expect((await p.proc.exited).code).toBe(0);
      // Two retries come back through the retry topic after its 10 s delay.
      await h.drained('the group to consume everything');

      const acks = h.of('pshare#0', 'acks');
      const seqs = acks.flatMap((a) => a.seqs);
      expect(seqs.length).toBeGreaterThanOrEqual(190);
      expect(new Set(acks.flatMap((a) => a.tags))).toEqual(new Set(['A', 'B']));
      expect(new Set(acks.flatMap((a) => a.queues))).toEqual(new Set(queues));
      expect(acks.flatMap((a) => a.offsets).every((o) => o >= 0)).toBe(true);
      expect(h.of('pshare#0', 'producer-done')[0]?.attempted).toBe(seqs.length);
      expect(h.m.sendLatency.totalCount).toBe(seqs.length);

      const group = h.m.ledger.summarize('gshare');
      expect(group.lost).toBe(0);
      expect(group.acked).toBe(seqs.length);
      expect(Object.keys(group.perInstance).sort()).toEqual(['gshare#0', 'gshare#1']);
      const receipts = h.of('gshare#0', 'receipts').flatMap((r) => r.items);
      expect(receipts.filter((r) => r[6] === 'retry')).toHaveLength(2);
      expect(receipts.some((r) => r[5] > 0)).toBe(true);
      // About a fifth of the messages waited out their delay in the broker's timer.
      const all = [...receipts, ...h.of('gshare#1', 'receipts').flatMap((r) => r.items)];
      const delayed = all.filter((r) => r[5] === 0 && r[3] - r[2] >= 1400).length;
      expect(delayed).toBeGreaterThan(seqs.length * 0.1);
      expect(delayed).toBeLessThan(seqs.length * 0.3);

      // stop: each consumer closes, says stopped and exits 0; no crash.
      const exits = await Promise.all([c0.stop(), c1.stop()]);
      expect(exits.map((e) => e.code)).toEqual([0, 0]);
      expect(h.of('gshare#0', 'stopped')).toHaveLength(1);
      expect(h.of('gshare#1', 'stopped')).toHaveLength(1);
      expect(h.crashes).toEqual([]);
    } finally {
      await h.close();
    }
  }, 120_000);

  it('orderly consumption with failures keeps every queue in order', async () => {
    const h = new Harness('orderly');
    try {
      const c = h.consumer(
        consumer('gorder', 'gorder#0', 'jorder', { consume: 'orderly', failure: { ratio: 0.05, first: 3 } }),
        '5.3.3',
      );
      await c.ready(60_000);
      await waitFor(() => (h.of('gorder#0', 'assignment').length > 0 ? true : undefined), 30_000, 'queues');
      const p = h.producer(
        producer('porder#0', 'jorder', { sendMode: 'sync', shardingKeys: 4, maxInFlight: 1 }),
        '4.9.7',
      );
      await waitFor(() => (p.proc.hasExited ? true : undefined), 30_000, 'the producer to finish');
      await h.drained('the orderly consumer to consume everything');

      const offsetOf = new Map<number, string>();
      for (const a of h.of('porder#0', 'acks'))
        a.seqs.forEach((seq, i) => offsetOf.set(seq, `${a.queues[i]}#${a.offsets[i]}`));
      // Per queue, in delivery order, offsets never go back: a retried message comes again before the next.
      const lastOffset = new Map<string, number>();
      let retries = 0;
      for (const r of h.of('gorder#0', 'receipts').flatMap((x) => x.items)) {
        const [queue, offset] = offsetOf.get(r[1])!.split('#') as [string, string];
        expect(r[4]).toBe(queue);
        const previous = lastOffset.get(queue) ?? -1;
        expect(Number(offset)).toBeGreaterThanOrEqual(previous);
        lastOffset.set(queue, Number(offset));
        if (r[6] === 'retry') retries++;
      }
      expect(retries).toBeGreaterThanOrEqual(3);
      expect(h.m.ledger.summarize('gorder').lost).toBe(0);
    } finally {
      await h.close();
    }
  }, 90_000);

  it('pull consumers, subscribed and assigned by hand, consume everything, retries included', async () => {
    const h = new Harness('pull');
    try {
      const pull = { mode: 'pull', failure: { ratio: 0.05, first: 2 } } as const;
      const sub = h.consumer(consumer('gpullsub', 'gpullsub#0', 'jpull', pull), '4.9.7');
      const a0 = h.consumer(
        consumer('gpullas', 'gpullas#0', 'jpull', { ...pull, assign: { index: 0, count: 2 } }),
        '4.9.7',
      );
      const a1 = h.consumer(
        consumer('gpullas', 'gpullas#1', 'jpull', { ...pull, assign: { index: 1, count: 2 } }),
        '5.3.3',
      );
      await Promise.all([sub, a0, a1].map((w) => w.ready(60_000)));
      await waitFor(
        () =>
          lastAssignments(h, ['gpullsub#0', 'gpullas#0', 'gpullas#1']).every((q) => q.length > 0) ? true : undefined,
        30_000,
        'the pull consumers to hold queues',
      );
      expect(lastAssignments(h, ['gpullas#0', 'gpullas#1'])).toEqual([
        ['jpull@broker-a/0', 'jpull@broker-a/2'],
        ['jpull@broker-a/1', 'jpull@broker-a/3'],
      ]);
      const p = h.producer(producer('ppull#0', 'jpull', { sendMode: 'oneway' }), '5.3.3');
      await waitFor(() => (p.proc.hasExited ? true : undefined), 30_000, 'the producer to finish');
      // oneway: an ack only says the request left, so it names no queue.
      const acks = h.of('ppull#0', 'acks');
      expect(new Set(acks.flatMap((a) => a.queues))).toEqual(new Set(['jpull@?/-1']));
      expect(new Set(acks.flatMap((a) => a.offsets))).toEqual(new Set([-1]));
      await h.drained('both pull groups to consume everything');
      for (const group of ['gpullsub', 'gpullas']) {
        const summary = h.m.ledger.summarize(group);
        expect(summary.lost).toBe(0);
        expect(summary.acked).toBeGreaterThanOrEqual(190);
      }
      const retried = h.of('gpullas#0', 'receipts').flatMap((r) => r.items.filter((i) => i[6] === 'retry'));
      expect(retried.length).toBeGreaterThanOrEqual(2);
    } finally {
      await h.close();
    }
  }, 90_000);

  it('SIGKILL is a crash; a closed stdin halts with 1 (no close); a brokerAddressMap is where sends go', async () => {
    const h = new Harness('exit');
    try {
      const killed = h.consumer(consumer('gexit', 'gexit#0', 'jexit'), '4.9.7');
      const orphan = h.consumer(consumer('gexit', 'gexit#1', 'jexit'), '5.3.3');
      await Promise.all([killed.ready(60_000), orphan.ready(60_000)]);
      killed.proc.signal('SIGKILL');
      expect((await killed.proc.exited).signal).toBe('SIGKILL');
      (orphan.proc as ManagedProcess).child.stdin?.end();
      expect((await orphan.proc.exited).code).toBe(1);
      // The coordinator is gone as far as it knows: no close (it would commit unreported deliveries), no stopped.
      expect(h.of('gexit#1', 'stopped')).toHaveLength(0);
      await waitFor(() => (h.crashes.length === 2 ? true : undefined), 5_000, 'the crash reports');
      expect(h.crashes.map((c) => c.id).sort()).toEqual(['gexit#0', 'gexit#1']);

      // brokerAddressMap rewrites the route the name server gives: every send of a producer whose
      // map sends the broker to a port nobody listens on fails, while an unmapped one gets acks.
      const broker = cluster.endpoints.brokers[0]!.addr;
      const detoured = h.producer(
        producer('pexit#0', 'jexit', { brokerAddressMap: { [broker]: '127.0.0.1:1' }, maxMessages: 20 }),
        '4.9.7',
      );
      const direct = h.producer(producer('pexit#1', 'jexit', { maxMessages: 20 }), '4.9.7');
      await waitFor(
        () => (detoured.proc.hasExited && direct.proc.hasExited ? true : undefined),
        60_000,
        'both producers to finish',
      );
      const acksOf = (id: string) => h.of(id, 'acks');
      expect(acksOf('pexit#0').flatMap((a) => a.seqs)).toEqual([]);
      const errors = acksOf('pexit#0').flatMap((a) => Object.values(a.errors));
      expect(errors.reduce((sum, n) => sum + n, 0)).toBe(20);
      expect(acksOf('pexit#1').flatMap((a) => a.seqs)).toHaveLength(20);
    } finally {
      await h.close();
    }
  }, 60_000);

  it('gRPC client-java: a producer and push and simple consumers through the proxy, no loss', async () => {
    const h = new Harness('grpc');
    const endpoint = cluster.endpoints.proxy!.grpc;
    const grpc = { driver: 'grpc', endpoint } as const;
    try {
      const push = h.consumer(
        consumer('ggrpcpush', 'ggrpcpush#0', 'jgrpc', { ...grpc, failure: { ratio: 0, first: 2 } }),
        'grpc-5.0.8',
      );
      const simple = h.consumer(
        consumer('ggrpcsimple', 'ggrpcsimple#0', 'jgrpc', { ...grpc, mode: 'simple', failure: { ratio: 0, first: 2 } }),
        'grpc-5.0.8',
      );
      await Promise.all([push.ready(60_000), simple.ready(60_000)]);
      expect(h.of('ggrpcpush#0', 'hello')[0]).toMatchObject({ client: 'rocketmq-client-java 5.0.8' });
      const p = h.producer(producer('pgrpc#0', 'jgrpc', { ...grpc, tags: [{ tag: 'G', weight: 1 }] }), 'grpc-5.0.8');
      await waitFor(() => (p.proc.hasExited ? true : undefined), 40_000, 'the producer to finish');
      const acks = h.of('pgrpc#0', 'acks');
      // Every send attempted is accounted for, acked or failed; how many are attempted at all
      // depends on how busy the machine is (a loaded CI run had 181 of 200 acked, the rest dropped).
      const acked = acks.flatMap((a) => a.seqs).length;
      const failed = acks.flatMap((a) => Object.values(a.errors)).reduce((sum, n) => sum + n, 0);
      expect(acked).toBeGreaterThan(0);
      expect(acked + failed).toBe(acks.at(-1)!.attempted);
      // The proxy names no queue in a send result.
      expect(new Set(acks.flatMap((a) => a.queues))).toEqual(new Set(['jgrpc@?/-1']));
      await h.drained('both gRPC groups to consume everything', 90_000);
      for (const [group, id] of [
        ['ggrpcpush', 'ggrpcpush#0'],
        ['ggrpcsimple', 'ggrpcsimple#0'],
      ] as const) {
        expect(h.m.ledger.summarize(group).lost).toBe(0);
        const items = h.of(id, 'receipts').flatMap((r) => r.items);
        expect(items.filter((i) => i[6] === 'retry')).toHaveLength(2);
        // Queues come from the receipt handle: the real broker and queue id.
        expect(items.every((i) => /^jgrpc@broker-a\/[0-3]$/.test(i[4]))).toBe(true);
      }
    } finally {
      await h.close();
    }
  }, 150_000);
});
