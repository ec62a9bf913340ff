/**
 * The faultyConsumer test aid: the choice is a pure function of (seed, producer, seq) with the
 * rates asked for, the plan carries it per instance into the worker config, and a worker acks a
 * discarded message without a receipt and reports a duplicated one's delivery twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientDriver, Consumer, MessageHandler, ReceivedMessage } from '../../../src/drivers/driver.ts';
import { type FaultyChoice, faultyChoice, faultyPoint } from '../../../src/fleet/faulty-consumer.ts';
import { runConsumer } from '../../../src/fleet/consumer-runner.ts';
import { buildMessage } from '../../../src/fleet/identity.ts';
import { type ConsumerConfig, consumerConfig, type FromWorker } from '../../../src/fleet/protocol.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { layoutFleets } from '../../../src/run/fleet-layout.ts';

const RATES = { discard: 0.01, duplicate: 0.005 };

describe('faultyChoice', () => {
  it('is a pure function of (seed, producer, seq): the same answer on every call', () => {
    fc.assert(
      fc.property(fc.integer(), fc.string(), fc.nat(), (seed, producer, seq) => {
        const point = faultyPoint(seed, producer, seq);
        expect(point).toBeGreaterThanOrEqual(0);
        expect(point).toBeLessThan(1);
        expect(faultyPoint(seed, producer, seq)).toBe(point);
        expect(faultyChoice(RATES, seed, producer, seq)).toBe(faultyChoice(RATES, seed, producer, seq));
      }),
    );
  });

  it('picks discard below `discard`, duplicate in [discard, discard + duplicate), else normal', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(), fc.double({ min: 0, max: 0.5, noNaN: true }), (seed, seq, discard) => {
        const rates = { discard, duplicate: 0.25 };
        const point = faultyPoint(seed, 'p#0', seq);
        const expected: FaultyChoice = point < discard ? 'discard' : point < discard + 0.25 ? 'duplicate' : 'normal';
        expect(faultyChoice(rates, seed, 'p#0', seq)).toBe(expected);
      }),
    );
  });

  it('hits each rate within tolerance over 100k ids, for two producers and two seeds', () => {
    for (const seed of [1, 20_240_601]) {
      const counts = { discard: 0, duplicate: 0, normal: 0 };
      for (const producer of ['orders#0', 'orders#1'])
        for (let seq = 0; seq < 50_000; seq++) counts[faultyChoice(RATES, seed, producer, seq)]++;
      // 100k draws: the standard deviation is about 31 for 1% and 22 for 0.5%; 5 sigma is the bound.
      expect(Math.abs(counts.discard - 1000), JSON.stringify(counts)).toBeLessThan(160);
      expect(Math.abs(counts.duplicate - 500), JSON.stringify(counts)).toBeLessThan(112);
    }
  });

  it('gives other sets for another seed or producer, and nothing at zero rates', () => {
    const set = (seed: number, producer: string) =>
      Array.from({ length: 5000 }, (_, seq) => seq).filter((s) => faultyChoice(RATES, seed, producer, s) === 'discard');
    expect(set(1, 'p#0')).not.toEqual(set(2, 'p#0'));
    expect(set(1, 'p#0')).not.toEqual(set(1, 'p#1'));
    for (let seq = 0; seq < 10_000; seq++)
      expect(faultyChoice({ discard: 0, duplicate: 0 }, 1, 'p#0', seq)).toBe('normal');
    for (let seq = 0; seq < 1000; seq++)
      expect(faultyChoice({ discard: 1, duplicate: 0 }, 1, 'p#0', seq)).toBe('discard');
  });
});

describe('faultyConsumer in a plan', () => {
  const plan = loadPlanText(
    `
description: "faulty consumers"
seed: 7
topics: [{name: t}]
fleets:
  consumers:
    - name: c
      instances: 3
      subscription: {t: "*"}
      faultyConsumer: {discard: 0.01, duplicate: 0.005}
      overrides:
        - {instances: [1], faultyConsumer: {duplicate: 0.2}}
        - {instances: [2], consumeTime: 1ms}
    - {name: plain, subscription: {t: "*"}}
phases: {load: 10s}
`,
    'plans/faulty.yaml',
  );

  it('resolves per instance: the fleet setting, an override replacing it (omitted keys 0), none when unset', () => {
    const [c, plain] = plan.fleets.consumers;
    expect(c!.perInstance.map((i) => i.faultyConsumer)).toEqual([
      { discard: 0.01, duplicate: 0.005 },
      { discard: 0, duplicate: 0.2 },
      { discard: 0.01, duplicate: 0.005 },
    ]);
    expect(plain!.perInstance[0]).not.toHaveProperty('faultyConsumer');
  });

  it('reaches each worker config with the plan seed, valid against the protocol; absent when unset', () => {
    const { consumers } = layoutFleets(plan, 'run-1', { namesrvAddr: '127.0.0.1:9876' });
    expect(consumers.map((c) => [c.instanceId, c.faultyConsumer, c.seed])).toEqual([
      ['c#0', { discard: 0.01, duplicate: 0.005 }, 7],
      ['c#1', { discard: 0, duplicate: 0.2 }, 7],
      ['c#2', { discard: 0.01, duplicate: 0.005 }, 7],
      ['plain#0', undefined, 7],
    ]);
    expect(consumers[3]).not.toHaveProperty('faultyConsumer');
    for (const config of consumers) expect(consumerConfig.parse(config)).toEqual(config);
  });
});

/** A driver whose consumer is the test: it hands out the handler and delivers what the test says. */
function handDriver(): { driver: ClientDriver; deliver: (m: ReceivedMessage) => Promise<string> } {
  let handler: MessageHandler | undefined;
  const consumer: Consumer = { assignment: () => [], close: async () => {} };
  return {
    driver: {
      name: 'hand',
      createProducer: () => Promise.reject(new Error('no producers here')),
      createConsumer: async (_options, h) => {
        handler = h;
        return consumer;
      },
    },
    deliver: async (m) => handler!(m),
  };
}

function delivery(runId: string, producerId: string, seq: number): ReceivedMessage {
  const out = buildMessage(runId, producerId, seq, 't', 16, undefined);
  return {
    msgId: `${producerId}:${seq}`,
    topic: 't',
    brokerName: 'broker-a',
    queueId: 0,
    queueOffset: seq,
    body: out.body,
    properties: out.properties ?? {},
    bornTimestamp: Date.now(),
    storeTimestamp: Date.now(),
    reconsumeTimes: 0,
  };
}

describe('a worker with faultyConsumer', () => {
  const SEED = 3;
  const config: ConsumerConfig = {
    runId: 'run-1',
    fleet: 'c',
    driver: 'remoting',
    namesrvAddr: '127.0.0.1:9876',
    routeRefreshMs: 30_000,
    group: 'c',
    instanceId: 'c#0',
    model: 'clustering',
    mode: 'push',
    consume: 'concurrently',
    subscription: { t: '*' },
    consumeTime: { kind: 'fixed', ms: 0 },
    failure: { ratio: 0, first: 0 },
    faultyConsumer: { discard: 0.1, duplicate: 0.1 },
    seed: SEED,
  };
  const seqOf = (choice: FaultyChoice) => {
    for (let seq = 0; ; seq++) if (faultyChoice(config.faultyConsumer!, SEED, 'p#0', seq) === choice) return seq;
  };

  it('acks a discarded message with no receipt, reports a duplicated delivery twice, a normal one once', async () => {
    const sent: FromWorker[] = [];
    const { driver, deliver } = handDriver();
    const stop = await runConsumer(config, driver, (m) => sent.push(m));
    const seqs = { discard: seqOf('discard'), duplicate: seqOf('duplicate'), normal: seqOf('normal') };
    const outcomes = {
      discard: await deliver(delivery('run-1', 'p#0', seqs.discard)),
      duplicate: await deliver(delivery('run-1', 'p#0', seqs.duplicate)),
      normal: await deliver(delivery('run-1', 'p#0', seqs.normal)),
      foreign: await deliver(delivery('other-run', 'p#0', seqs.discard)),
    };
    await stop();
    expect(outcomes).toEqual({ discard: 'success', duplicate: 'success', normal: 'success', foreign: 'success' });
    const receipts = sent.flatMap((m) => (m.type === 'receipts' ? m.items : []));
    expect(receipts.map(([producer, seq, , , , , outcome]) => `${producer}:${seq} ${outcome}`)).toEqual([
      `p#0:${seqs.duplicate} success`,
      `p#0:${seqs.duplicate} success`,
      `p#0:${seqs.normal} success`,
    ]);
    // Another run's message with a discarded seq is still foreign: identity is checked first.
    expect(sent.reduce((n, m) => n + (m.type === 'receipts' ? m.foreign : 0), 0)).toBe(1);
  });

  it('without faultyConsumer every delivery is one receipt', async () => {
    const sent: FromWorker[] = [];
    const { driver, deliver } = handDriver();
    const { faultyConsumer: _, ...plain } = config;
    const stop = await runConsumer(plain, driver, (m) => sent.push(m));
    for (let seq = 0; seq < 200; seq++) await deliver(delivery('run-1', 'p#0', seq));
    await stop();
    expect(sent.flatMap((m) => (m.type === 'receipts' ? m.items : [])).map((r) => r[1])).toEqual(
      Array.from({ length: 200 }, (_, seq) => seq),
    );
  });
});
