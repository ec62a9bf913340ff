/**
 * The producer loop's delayed messages, against a fake driver: a timer fleet sends
 * `deliverAfterMs`, a delay-level fleet `delayLevel`, only the `ratio` share is delayed, and
 * each ack carries the message's requested delivery time (send time + delay; 0 when not
 * delayed), which the coordinator measures lateness against.
 */
import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../../src/drivers/driver.ts';
import { runProducer } from '../../../src/fleet/producer-loop.ts';
import type { FromWorker, ProducerConfig } from '../../../src/fleet/protocol.ts';
import { fakeDriver, producerConfig } from './fake-producer.ts';

async function run(delay: ProducerConfig['delay']) {
  const { driver, sent } = fakeDriver();
  const config = producerConfig(delay ? { delay } : {});
  const out: FromWorker[] = [];
  await runProducer(config, driver, (m) => out.push(m), new AbortController().signal);
  const acks = out.filter((m): m is Extract<FromWorker, { type: 'acks' }> => m.type === 'acks');
  const bySeq = new Map<number, { sentAt: number; dueAt: number | undefined }>();
  for (const a of acks) a.seqs.forEach((seq, i) => bySeq.set(seq, { sentAt: a.sentAtMs[i]!, dueAt: a.dueAtMs?.[i] }));
  return { sent, acks, bySeq };
}

const seqOf = (m: OutgoingMessage) => Number(m.keys![0]!.split(':').pop());

describe('producer loop: delayed messages', () => {
  it('sends a timer fleet’s share as timers and acks each with its requested delivery time', async () => {
    const { sent, bySeq } = await run({ ratio: 0.5, delayMs: 3000 });
    const delayed = sent.filter((m) => m.deliverAfterMs !== undefined);
    expect(sent).toHaveLength(200);
    // About half, by the seeded draw; both kinds present.
    expect(delayed.length).toBeGreaterThan(60);
    expect(delayed.length).toBeLessThan(140);
    expect(sent.every((m) => m.delayLevel === undefined)).toBe(true);
    for (const m of sent) {
      const ack = bySeq.get(seqOf(m))!;
      expect(ack.dueAt).toBe(m.deliverAfterMs === undefined ? 0 : ack.sentAt + 3000);
    }
  });

  it('sends a delay-level fleet’s messages with the level, due after the level’s time', async () => {
    const { sent, bySeq } = await run({ ratio: 1, delayMs: 5000, level: 2 });
    expect(sent.every((m) => m.delayLevel === 2 && m.deliverAfterMs === undefined)).toBe(true);
    for (const m of sent) {
      const ack = bySeq.get(seqOf(m))!;
      expect(ack.dueAt).toBe(ack.sentAt + 5000);
    }
  });

  it('leaves dueAtMs out of the acks of a fleet without delay', async () => {
    const { sent, acks } = await run(undefined);
    expect(sent.every((m) => m.deliverAfterMs === undefined && m.delayLevel === undefined)).toBe(true);
    expect(acks.length).toBeGreaterThan(0);
    expect(acks.every((a) => !('dueAtMs' in a))).toBe(true);
  });
});
