/**
 * The producer loop's batches and oversize messages, against a fake driver: the rate stays
 * messages/s, full batches of `batch` leave as one request, each message is acked under its own
 * seq and offset, and a refused message is counted by reason, never acked. Also: each message
 * carries the fleet's drawn properties, the ones the ledger recomputes for SQL92 groups.
 */
import { describe, expect, it } from 'vitest';
import { messageProperties } from '../../../src/fleet/message-properties.ts';
import { runProducer, sizeOf } from '../../../src/fleet/producer-loop.ts';
import type { FromWorker, ProducerConfig } from '../../../src/fleet/protocol.ts';
import { fakeDriver, producerConfig } from './fake-producer.ts';

async function run(over: Partial<ProducerConfig>, limit = 1024) {
  const { driver, requests, sent } = fakeDriver(limit);
  const out: FromWorker[] = [];
  await runProducer(producerConfig(over), driver, (m) => out.push(m), new AbortController().signal);
  const acks = out.flatMap((m) => (m.type === 'acks' ? [m] : []));
  const errors: Record<string, number> = {};
  for (const a of acks) for (const [k, n] of Object.entries(a.errors)) errors[k] = (errors[k] ?? 0) + n;
  return {
    requests,
    seqs: acks.flatMap((a) => a.seqs),
    offsets: acks.flatMap((a) => a.offsets),
    errors,
    dropped: acks.reduce((n, a) => n + a.dropped, 0),
    sent,
  };
}

describe('producer loop batches', () => {
  it('sends full batches of `batch` messages, each acked once under its own seq and offset', async () => {
    const r = await run({ batch: 8 });
    expect(r.dropped).toBe(0);
    expect(r.requests.reduce((a, b) => a + b, 0)).toBe(200);
    expect(Math.max(...r.requests)).toBe(8);
    // At 2000/s, 8 messages fall due every 4 ms, within the 10 ms linger: batches leave full.
    expect(r.requests.filter((n) => n === 8).length).toBeGreaterThanOrEqual(20);
    expect([...r.seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(new Set(r.offsets).size).toBe(200);
  });

  it('a partial batch leaves after the linger at a low rate instead of waiting to fill', async () => {
    const r = await run({ batch: 32, executor: { kind: 'constant', ratePerSecond: 100 }, maxMessages: 20 });
    expect(r.seqs).toHaveLength(20);
    expect(Math.max(...r.requests)).toBeLessThan(32);
  });

  it('counts a refused oversize message as message-too-large and never acks it', async () => {
    const r = await run({ oversize: { every: 10, sizeBytes: 4096 } });
    expect(r.errors).toEqual({ 'message-too-large': 20 });
    expect(r.seqs).toHaveLength(180);
    expect(r.seqs.filter((s) => s % 10 === 9)).toEqual([]);
  });

  it('a batch holding an oversize message fails whole: each of its messages is a counted error', async () => {
    const r = await run({ batch: 10, oversize: { every: 100, sizeBytes: 4096 } });
    const failedBatches = r.errors['message-too-large']! / 10;
    expect(r.errors['message-too-large']! % 10).toBe(0);
    expect(failedBatches).toBeGreaterThanOrEqual(2);
    expect(r.seqs.length + r.errors['message-too-large']!).toBe(200);
  });

  it('sizeOf gives the last of every `every` messages the oversize body', () => {
    const c = { messageSize: 64, oversize: { every: 3, sizeBytes: 999 } };
    expect([0, 1, 2, 3, 4, 5].map((s) => sizeOf(c, s))).toEqual([64, 64, 999, 64, 64, 999]);
    expect(sizeOf({ messageSize: 64 }, 2)).toBe(64);
  });
});

describe('producer loop message properties', () => {
  it("puts each message's drawn properties beside its identity, the same the ledger recomputes", async () => {
    const properties = { amount: { int: [1, 100] as [number, number] }, region: { oneOf: ['eu', 'us'] } };
    const r = await run({ properties, maxMessages: 50, batch: 4 });
    expect(r.sent).toHaveLength(50);
    for (const m of r.sent) {
      const seq = Number(m.properties.rmqchaos_seq);
      expect(m.properties).toMatchObject(messageProperties(properties, 1, 'f#0', seq));
      expect(m.properties.rmqchaos_producer).toBe('f#0');
    }
    expect(new Set(r.sent.map((m) => m.properties.region))).toEqual(new Set(['eu', 'us']));
  });
});
