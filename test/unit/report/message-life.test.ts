import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeReceiptBatch } from '../../../src/agents/receipt-batch.ts';
import { readMessageLife } from '../../../src/report/message-life.ts';
import { MESSAGE_LOG_FILE, MessageLog } from '../../../src/run/message-log.ts';

const EPOCH = 1_765_000_000_000;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('readMessageLife', () => {
  it('reads deliveries from per-delivery records (older logs) and from agents batch records alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'message-life-'));
    dirs.push(dir);
    const log = new MessageLog(join(dir, MESSAGE_LOG_FILE));
    log.acks({
      type: 'acks',
      producerId: 'p#0',
      seqs: [7],
      tags: ['TagA'],
      queues: ['orders@broker-a/1'],
      offsets: [70],
      sentAtMs: [EPOCH],
      attempted: 8,
      errors: {},
      dropped: 0,
      sendLatency: '',
    });
    log.delivery(['delivery', 'billing', 'c#0', 'p#0', 7, EPOCH, EPOCH + 5, 'orders@broker-a/1', 0, 'retry', 'first']);
    const batch = encodeReceiptBatch(
      'c#1',
      [
        ['p#0', 8, EPOCH, EPOCH + 6, 'orders@broker-a/1', 0, 'success', 'TagA'],
        ['p#0', 7, EPOCH, EPOCH + 9, 'orders@broker-a/1', 1, 'success', 'TagA'],
        ['p#1', 7, EPOCH, EPOCH + 9, 'orders@broker-a/2', 0, 'success', ''],
      ],
      0,
    );
    log.deliveries('billing', batch, Uint8Array.of(0b010));
    await log.close();
    const life = await readMessageLife(dir, 'p#0:7');
    expect(life.ack).toEqual({ sentAt: EPOCH, queue: 'orders@broker-a/1', offset: 70, tag: 'TagA' });
    expect(life.deliveries).toEqual([
      {
        group: 'billing',
        instance: 'c#0',
        bornAt: EPOCH,
        receivedAt: EPOCH + 5,
        queue: 'orders@broker-a/1',
        reconsumeTimes: 0,
        outcome: 'retry',
        kind: 'first',
      },
      {
        group: 'billing',
        instance: 'c#1',
        bornAt: EPOCH,
        receivedAt: EPOCH + 9,
        queue: 'orders@broker-a/1',
        reconsumeTimes: 1,
        outcome: 'success',
        kind: 'duplicate',
      },
    ]);
  });
});
