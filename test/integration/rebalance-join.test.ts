/**
 * A third consumer joins a group of two while messages flow: the coordinator's rebalance
 * tracker, fed by real worker processes and the real driver, measures how long until the
 * three instances hold a disjoint cover of the four queues again, with the newcomer holding
 * some of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetWorker } from '../../src/fleet/fleet-worker.ts';
import type { ConsumerConfig, ProducerConfig } from '../../src/fleet/protocol.ts';
import { allQueueKeys } from '../../src/metrics/queue-keys.ts';
import { EventLog } from '../../src/run/event-log.ts';
import { Measurements } from '../../src/run/measurements.ts';
import { startTestCluster } from './support/cluster.ts';
import { waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-join-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rebalance when a consumer joins', () => {
  it('measures the assignment latency of a third consumer joining during load', async () => {
    await using cluster = await startTestCluster({ topics: [{ name: 'join', queues: 4 }] });
    const events = new EventLog(join(dir, 'events.ndjson'));
    const m = new Measurements(events, Date.now());
    m.rebalance.addGroup('g', allQueueKeys([{ name: 'join', queues: 4 }], ['broker-a']));
    const consumer = (i: number): ConsumerConfig => ({
      runId: 'join-test',
      instanceId: `g#${i}`,
      fleet: 'g',
      driver: 'remoting',
      namesrvAddr: cluster.namesrvAddr,
      routeRefreshMs: 30_000,
      group: 'g',
      model: 'clustering',
      mode: 'push',
      consume: 'concurrently',
      subscription: { join: '*' },
      consumeTime: { kind: 'fixed', ms: 0 },
      failure: { ratio: 0, first: 0 },
      seed: 1,
    });
    const workers: FleetWorker[] = [];
    const start = (config: ConsumerConfig) => {
      m.addConsumer({ instanceId: config.instanceId, fleet: 'g', group: 'g', model: 'clustering' });
      m.rebalance.membership('g', 'join', config.instanceId, Date.now());
      const worker = FleetWorker.local(
        config.instanceId,
        'consumer',
        cluster.resources,
        (_w, msg) => m.handle(msg),
        () => {},
      );
      worker.send({ type: 'start-consumer', config });
      workers.push(worker);
      return worker;
    };
    try {
      await Promise.all([start(consumer(0)), start(consumer(1))].map((w) => w.ready(60_000)));
      await waitFor(
        () => (m.rebalance.events.every((e) => e.assignmentLatencyMs !== null) ? true : undefined),
        30_000,
        'two consumers to split the queues',
      );

      const producer: ProducerConfig = {
        runId: 'join-test',
        producerId: 'p#0',
        fleet: 'p',
        driver: 'remoting',
        namesrvAddr: cluster.namesrvAddr,
        routeRefreshMs: 30_000,
        group: 'p-producer',
        topic: 'join',
        executor: { kind: 'constant', ratePerSecond: 100 },
        messageSize: 128,
        tags: [],
        durationMs: 10_000,
        seed: 1,
        maxInFlight: 64,
        sendMode: 'async',
      };
      m.addProducer('p#0');
      const p = FleetWorker.local(
        'p#0',
        'producer',
        cluster.resources,
        (_w, msg) => m.handle(msg),
        () => {},
      );
      workers.push(p);
      p.send({ type: 'start-producer', config: producer });
      await new Promise((r) => setTimeout(r, 3000));

      const third = start(consumer(2));
      await third.ready(60_000);
      const join3 = m.rebalance.events.find((e) => e.instance === 'g#2')!;
      await waitFor(() => join3.assignmentLatencyMs ?? undefined, 30_000, 'the third consumer to get its queues');
      expect(join3.assignmentLatencyMs).toBeGreaterThan(0);
      expect(join3.assignmentLatencyMs).toBeLessThan(30_000);
      process.stdout.write(`third consumer join: assignment latency ${join3.assignmentLatencyMs} ms\n`);
      await waitFor(() => (p.proc.hasExited ? true : undefined), 60_000, 'the producer to finish');
      await waitFor(() => (m.ledgerBacklog() === 0 ? true : undefined), 30_000, 'the group to consume everything');
      const group = m.ledger.summarize('g');
      expect(group.lost).toBe(0);
      expect(Object.keys(group.perInstance).sort()).toEqual(['g#0', 'g#1', 'g#2']);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await events.close();
    }
  }, 180_000);
});
