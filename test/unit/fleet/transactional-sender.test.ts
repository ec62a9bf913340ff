/**
 * The transactional producer's side of each message, with a fake client: the half's ack comes
 * back at once, END_TRANSACTION follows endDelay later with the outcome localOutcome picks, and a
 * check-back about any instance's half is answered with checkAnswer and reported; another run's
 * half is rolled back and not reported.
 */
import { describe, expect, it, vi } from 'vitest';
import type { HalfSendResult, OutgoingMessage, Producer, TransactionOutcome } from '../../../src/drivers/driver.ts';
import { buildMessage } from '../../../src/fleet/identity.ts';
import type { ProducerConfig } from '../../../src/fleet/protocol.ts';
import { checkAnswer, localOutcome } from '../../../src/fleet/transaction-choice.ts';
import { TransactionalSender, type TransactionSettings } from '../../../src/fleet/transactional-sender.ts';

const TX: TransactionSettings = { commit: 0.5, rollback: 0.2, unknown: 0.3, endDelayMs: 1000, checkDelayMs: 0 };
const CONFIG = {
  runId: 'r1',
  fleet: 'payments',
  driver: 'remoting',
  producerId: 'payments#0',
  seed: 5,
  transaction: TX,
} as unknown as ProducerConfig & { transaction: TransactionSettings };

function fakeProducer() {
  const ended: [number, TransactionOutcome][] = [];
  const producer: Producer = {
    send: () => Promise.reject(new Error('a transactional sender never sends plainly')),
    close: () => Promise.resolve(),
    sendHalf: (message: OutgoingMessage): Promise<HalfSendResult> =>
      Promise.resolve({
        msgId: `id-${message.properties['rmqchaos_seq']}`,
        brokerName: 'broker-a',
        queueId: 0,
        queueOffset: Number(message.properties['rmqchaos_seq']),
        transactionId: 't',
        commitLogOffset: 0,
      }),
    endTransaction: (_topic, half, outcome) => {
      ended.push([half.queueOffset, outcome]);
      return Promise.resolve();
    },
  };
  return { producer, ended };
}

describe('TransactionalSender', () => {
  it('acks the half at once and ends it endDelay later with its local outcome', async () => {
    vi.useFakeTimers();
    try {
      const { producer, ended } = fakeProducer();
      const sender = new TransactionalSender(CONFIG, () => {});
      sender.attach(producer);
      const seqs = Array.from({ length: 20 }, (_, i) => i);
      const halves = await Promise.all(
        seqs.map((seq) => sender.send(buildMessage('r1', 'payments#0', seq, 'payments', 64, undefined), seq)),
      );
      expect(halves.map((h) => h.queueOffset)).toEqual(seqs);
      await vi.advanceTimersByTimeAsync(999);
      expect(ended).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      await sender.settle();
      expect(ended.sort((a, b) => a[0] - b[0])).toEqual(
        seqs.map((seq) => [seq, localOutcome(TX, 5, 'payments#0', seq)]),
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers check-backs about any instance's halves with checkAnswer, and reports them", async () => {
    const sender = new TransactionalSender(CONFIG, () => {});
    const check = (run: string, producerId: string, seq: number) =>
      sender.check({
        topic: 'payments',
        tag: 'TagA',
        properties: { rmqchaos_run: run, rmqchaos_producer: producerId, rmqchaos_seq: String(seq) },
        bornTimestamp: 1000,
        msgId: 'm',
      });
    for (let seq = 0; seq < 10; seq++)
      expect(await check('r1', 'payments#1', seq)).toBe(checkAnswer(TX, 5, 'payments#1', seq));
    expect(await check('another-run', 'payments#1', 3)).toBe('rollback');
    const reported = sender.takeCheckBacks();
    expect(reported.map(([p, s, born, , answer, tag]) => [p, s, born, answer, tag])).toEqual(
      Array.from({ length: 10 }, (_, seq) => ['payments#1', seq, 1000, checkAnswer(TX, 5, 'payments#1', seq), 'TagA']),
    );
    expect(sender.takeCheckBacks()).toEqual([]);
  });

  it('refuses a client without a transactional send', () => {
    const sender = new TransactionalSender(CONFIG, () => {});
    expect(() => sender.attach({ send: () => Promise.reject(new Error()), close: () => Promise.resolve() })).toThrow(
      /no transactional send/,
    );
  });
});
