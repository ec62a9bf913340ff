/**
 * Network faults on a real cluster (1 name server, 1 broker, proxy) started with the network
 * under Toxiproxy: clients really pass through it (a cut producers link fails sends with a
 * client error, re-enabling recovers), a cut consumers link stops consumption while producers
 * go on (the broker's backlog grows, seen around Toxiproxy) and it resumes after, a latency
 * toxic adds about its latency to every send, a cut proxy link fails a gRPC send, a paused
 * broker times sends out until resumed, and a broker killed with -9 and restarted serves the
 * messages it had stored. A second cluster with a slave shows replication passing its HA link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../src/drivers/driver.ts';
import { grpcDriver } from '../../src/drivers/grpc/index.ts';
import { RemotingProducer, RemotingPushConsumer, SendFailedError } from '../../src/drivers/remoting/index.ts';
import { RemotingAdmin } from '../../src/protocol/index.ts';
import type { FaultContext } from '../../src/faults/fault-action.ts';
import { getFaultAction } from '../../src/faults/registry.ts';
import { buildMessage, readIdentity } from '../../src/fleet/identity.ts';
import { waitFor } from '../support/wait-for.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';

const TOPICS = { send: 'NfSend', consume: 'NfConsume', latency: 'NfLatency', grpc: 'NfGrpc', store: 'NfStore' };
const RUN = `nf-${process.pid}`;

let cluster: TestCluster;
let producer: RemotingProducer;
let faults: FaultContext;
const closers: (() => Promise<void>)[] = [];

const message = (topic: string, seq: number) => buildMessage(RUN, `p-${topic}`, seq, topic, 64, undefined);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timedSends(topic: string, count: number, from: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await producer.send(message(topic, from + i));
    times.push(performance.now() - started);
  }
  return times;
}

/** A remoting consumer dialling brokers as the consumer role does (through `consumers->X`). */
async function consumer(group: string, topic: string) {
  const received: ReceivedMessage[] = [];
  const c = await RemotingPushConsumer.start(
    {
      namesrvAddr: cluster.namesrvAddr,
      group,
      instanceName: `${group}-1`,
      model: 'clustering',
      subscriptions: [{ topic, expression: '*' }],
      brokerAddressMap: cluster.endpoints.clientAddressMaps!.consumers,
      // Java's 30 s heartbeat would be realistic but slow: the broker forgets a group whose
      // last connection closed, and pulls are refused until the next heartbeat.
      tuning: { heartbeatIntervalMs: 1000, persistOffsetIntervalMs: 1000 },
    },
    (m) => {
      if (readIdentity(m)?.runId === RUN) received.push(m);
      return 'success';
    },
  );
  closers.push(() => c.close());
  return { consumer: c, received };
}

describe('network faults through Toxiproxy on a real cluster', () => {
  beforeAll(async () => {
    cluster = await startTestCluster({
      brokers: 1,
      proxy: true,
      network: true,
      topics: Object.values(TOPICS).map((name) => ({ name, queues: 2 })),
    });
    faults = { network: cluster.cluster.network!, nodes: cluster.cluster.nodeControl, log: () => {} };
    producer = await RemotingProducer.start({
      namesrvAddr: cluster.namesrvAddr,
      group: 'nf-producers',
      instanceName: 'nf-producer',
      sendTimeoutMs: 1500,
    });
  });

  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await producer?.close();
    await cluster?.[Symbol.asyncDispose]();
  });

  it('lists the links the brief names; the name server lists the broker at its Toxiproxy address', async () => {
    expect(cluster.cluster.network!.links()).toEqual([
      'broker-a->namesrv-0',
      'clients->namesrv-0',
      'clients->proxy',
      'consumers->broker-a',
      'producers->broker-a',
      // Not a plan link: slaves copy topics and offsets through it.
      'replicas->broker-a',
    ]);
    expect(cluster.brokers[0]!.addr).toMatch(/^127\.0\.0\.2:\d+$/);
    expect(cluster.namesrvAddr).toMatch(/^127\.0\.0\.2:\d+$/);
    expect(cluster.cluster.nodeControl.names()).toEqual(['namesrv-0', 'broker-a', 'proxy']);
  });

  it('cutting producers->broker-a fails sends with a client error; re-enabling recovers them', async () => {
    await producer.send(message(TOPICS.send, 0));
    const down = await getFaultAction('network.down').begin('producers->broker-a', {}, faults);
    let error: unknown;
    try {
      error = await producer.send(message(TOPICS.send, 1)).catch((e: unknown) => e);
    } finally {
      await down.end();
    }
    expect(error).toBeInstanceOf(SendFailedError);
    expect(['connect', 'closed']).toContain((error as SendFailedError).reason);
    const started = Date.now();
    let recovered = false;
    while (!recovered && Date.now() - started < 10_000)
      recovered = await producer.send(message(TOPICS.send, 2)).then(
        () => true,
        () => false,
      );
    expect(recovered).toBe(true);
  });

  it(
    'consumers->broker-a down stops consumption while producers keep sending (backlog grows); ' + 'it resumes after',
    async () => {
      const { received } = await consumer('nf-consumers', TOPICS.consume);
      const admin = RemotingAdmin.create({
        namesrvAddr: cluster.endpoints.direct!.namesrvAddr,
        brokerAddressMap: cluster.endpoints.direct!.brokerAddressMap,
      });
      closers.push(() => admin.close());
      for (let i = 0; i < 20; i++) await producer.send(message(TOPICS.consume, i));
      await waitFor(() => (received.length >= 20 ? true : undefined), 20_000, '20 receipts before the cut');

      const down = await getFaultAction('network.down').begin(
        'consumers->broker-a',
        { faultName: 'cut-consumers-0' },
        faults,
      );
      let backlog = 0;
      try {
        for (let i = 20; i < 70; i++) await producer.send(message(TOPICS.consume, i)); // producers are not cut
        await new Promise((r) => setTimeout(r, 3000));
        expect(received.length).toBe(20);
        // Asked around Toxiproxy (the observers' direct path): the cut does not blind it.
        const [addr] = (await admin.masterAddrs()).map((m) => m.addr);
        const stats = await admin.consumeStats(addr!, 'nf-consumers', TOPICS.consume);
        backlog = stats.queues.reduce((sum, q) => sum + q.brokerOffset - q.consumerOffset, 0);
      } finally {
        await down.end();
      }
      expect(backlog).toBeGreaterThanOrEqual(50);
      const upAt = Date.now();
      await waitFor(
        () => (received.length >= 70 ? true : undefined),
        30_000,
        'consumption to resume after the link came back',
      );
      console.log(
        `consumers->broker-a down: receipts stayed at 20 for 3 s, broker backlog ${backlog}; all 70 received ` +
          `${Date.now() - upAt} ms after re-enabling`,
      );
      expect(new Set(received.map((m) => readIdentity(m)!.seq)).size).toBe(70);
    },
  );

  it('a latency toxic on producers->broker-a adds about its latency to every send', async () => {
    const before = median(await timedSends(TOPICS.latency, 15, 0));
    const latency = await getFaultAction('network.latency').begin(
      'producers->broker-a',
      { latencyMs: 200, jitterMs: 0, stream: 'downstream' },
      faults,
    );
    let during: number;
    try {
      during = median(await timedSends(TOPICS.latency, 8, 100));
    } finally {
      await latency.end();
    }
    const after = median(await timedSends(TOPICS.latency, 8, 200));
    console.log(
      `send latency median: before ${before.toFixed(1)} ms, with 200 ms toxic ${during.toFixed(1)} ms, after ` +
        `${after.toFixed(1)} ms`,
    );
    expect(during - before).toBeGreaterThanOrEqual(190);
    expect(during - before).toBeLessThan(350);
    expect(after).toBeLessThan(before + 50);
  });

  it('clients->proxy down fails a gRPC send; re-enabled, sends succeed again', async () => {
    const grpc = await grpcDriver.createProducer({
      namesrvAddr: cluster.namesrvAddr,
      endpoint: cluster.endpoints.proxy!.grpc,
      group: 'nf-grpc',
      instanceName: 'nf-grpc-1',
      sendTimeoutMs: 2000,
    });
    closers.push(() => grpc.close());
    await grpc.send(message(TOPICS.grpc, 0));
    const down = await getFaultAction('network.down').begin('clients->proxy', {}, faults);
    let error: unknown;
    try {
      error = await grpc.send(message(TOPICS.grpc, 1)).then(
        () => undefined,
        (e: unknown) => e,
      );
    } finally {
      await down.end();
    }
    expect(error).toBeInstanceOf(Error);
    console.log(`grpc send with clients->proxy down: ${(error as Error).message.split('\n')[0]}`);
    const started = Date.now();
    let recovered = false;
    while (!recovered && Date.now() - started < 20_000)
      recovered = await grpc.send(message(TOPICS.grpc, 2)).then(
        () => true,
        () => false,
      );
    expect(recovered).toBe(true);
  });

  it('a paused broker (SIGSTOP) times sends out; resumed (SIGCONT), it answers again', async () => {
    await cluster.cluster.nodeControl.pause('broker-a');
    let error: unknown;
    try {
      error = await producer.send(message(TOPICS.send, 10)).catch((e: unknown) => e);
    } finally {
      await cluster.cluster.nodeControl.resume('broker-a');
    }
    expect((error as SendFailedError).reason).toBe('timeout');
    await producer.send(message(TOPICS.send, 11));
  });

  it('broker-a killed with -9 and restarted serves the messages it had stored', async () => {
    for (let i = 0; i < 30; i++) await producer.send(message(TOPICS.store, i));
    const oldPid = cluster.cluster.nodes.find((n) => n.name === 'broker-a')!.pid;
    const began = Date.now();
    await cluster.cluster.nodeControl.restart('broker-a', { hard: true, downMs: 500 });
    console.log(`broker-a hard restart took ${Date.now() - began} ms`);
    expect(cluster.cluster.nodes.find((n) => n.name === 'broker-a')!.pid).not.toBe(oldPid);
    const { received } = await consumer('nf-store', TOPICS.store);
    await waitFor(
      () => (received.length >= 30 ? true : undefined),
      40_000,
      'the 30 messages stored before the restart',
    );
    expect(new Set(received.map((m) => readIdentity(m)!.seq))).toEqual(
      new Set(Array.from({ length: 30 }, (_, i) => i)),
    );
  });
});

describe('HA replication through its Toxiproxy link', () => {
  let ha: TestCluster;
  let haProducer: RemotingProducer;
  let admin: RemotingAdmin;
  beforeAll(async () => {
    ha = await startTestCluster({
      brokers: 1,
      slavesPerMaster: 1,
      network: true,
      topics: [{ name: 'NfHa', queues: 1 }],
    });
    haProducer = await RemotingProducer.start({
      namesrvAddr: ha.namesrvAddr,
      group: 'nf-ha',
      instanceName: 'nf-ha',
      sendTimeoutMs: 3000,
    });
    admin = RemotingAdmin.create({
      namesrvAddr: ha.endpoints.direct!.namesrvAddr,
      brokerAddressMap: ha.endpoints.direct!.brokerAddressMap,
    });
  });
  afterAll(async () => {
    await haProducer?.close();
    await admin?.close();
    await ha?.[Symbol.asyncDispose]();
  });

  it('the slave follows the master, stops while broker-a->broker-a-s1 is down, and catches up after', async () => {
    const direct = ha.endpoints.direct!.brokerAddressMap;
    const [master, slave] = [0, 1].map((id) => direct[ha.brokers.find((b) => b.brokerId === id)!.addr]!);
    const offsets = async () => ({
      master: await admin.maxOffset(master!, 'NfHa', 0),
      slave: await admin.maxOffset(slave!, 'NfHa', 0),
    });
    const produce = async (from: number, n: number) => {
      for (let i = from; i < from + n; i++) await haProducer.send(message('NfHa', i));
    };
    const caughtUp = async (n: number) => {
      const deadline = Date.now() + 20_000;
      while ((await offsets()).slave < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      return offsets();
    };
    await produce(0, 50);
    expect(await caughtUp(50)).toEqual({ master: 50, slave: 50 });
    const down = await getFaultAction('network.down').begin(
      'broker-a->broker-a-s1',
      {},
      { network: ha.cluster.network!, log: () => {} },
    );
    let during: { master: number; slave: number };
    try {
      await produce(50, 50);
      await new Promise((r) => setTimeout(r, 2000));
      during = await offsets();
    } finally {
      await down.end();
    }
    expect(during).toEqual({ master: 100, slave: 50 });
    expect(await caughtUp(100)).toEqual({ master: 100, slave: 100 });
  });
});
