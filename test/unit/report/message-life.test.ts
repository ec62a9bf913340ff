import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeReceiptBatch } from '../../../src/agents/receipt-batch.ts';
import { formatMessageLife, readMessageLife } from '../../../src/report/message-life.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';
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

describe('readMessageLife with dead letters', () => {
  it('reads where a message was read back from a DLQ, and formatMessageLife says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'message-life-'));
    dirs.push(dir);
    const log = new MessageLog(join(dir, MESSAGE_LOG_FILE));
    log.delivery(['delivery', 'billing', 'c#0', 'p#0', 3, EPOCH, EPOCH + 5, 'orders@broker-a/1', 2, 'retry', 'first']);
    log.deadLetter('billing', 'p#0', 3, 'broker-a', 12);
    log.deadLetter('billing', 'p#0', 4, 'broker-a', 13);
    await log.close();
    const life = await readMessageLife(dir, 'p#0:3');
    expect(life.deadLettered).toEqual([{ group: 'billing', brokerName: 'broker-a', offset: 12 }]);
    const summary = JSON.parse(readFileSync('test/fixtures/runs/agents-two-hosts/summary.json', 'utf8')) as RunSummary;
    expect(formatMessageLife(life, summary)).toContain(
      '  dead-lettered: read back from %DLQ%billing on broker-a at offset 12',
    );
  });
});

describe('formatMessageLife', () => {
  it('says a message lost with its host was consumed there, and which finding explains it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'message-life-'));
    dirs.push(dir);
    const summary = JSON.parse(readFileSync('test/fixtures/runs/agents-two-hosts/summary.json', 'utf8')) as RunSummary;
    const start = Date.parse(summary.run.startedAt);
    const log = new MessageLog(join(dir, MESSAGE_LOG_FILE));
    log.acks({
      type: 'acks',
      producerId: 'checkout#0',
      seqs: [5],
      tags: [''],
      queues: ['orders@broker-a/2'],
      offsets: [40],
      sentAtMs: [start + 9_000],
      attempted: 6,
      errors: {},
      dropped: 0,
      sendLatency: '',
    });
    log.lost('billing', {
      producerId: 'checkout#0',
      seq: 5,
      queue: 'orders@broker-a/2',
      tag: '',
      holder: 'billing#0',
      window: 'load',
      sentAt: start + 9_000,
      offsetReused: false,
      withHost: 'agent-2',
    });
    await log.close();
    const life = await readMessageLife(dir, 'checkout#0:5');
    expect(life.lost).toEqual([
      expect.objectContaining({ queue: 'orders@broker-a/2', holder: 'billing#0', withHost: 'agent-2' }),
    ]);
    const reason = 'consumed on agent-2 below offset 41, where the group resumed the queue';
    const withFinding: RunSummary = {
      ...summary,
      diagnoses: [
        {
          id: 'lost-with-host',
          severity: 'warning',
          group: 'billing',
          summary: '1 messages of group billing were consumed on host agent-2',
          evidence: { host: 'agent-2', queues: [{ queue: 'orders@broker-a/2', lost: 1, reason }] },
          remedy: '',
          firstSeenAt: start,
          lastSeenAt: start,
          claims: [{ topic: 'orders', queues: ['orders@broker-a/2'], withHost: 'agent-2' }],
          expected: false,
        },
      ],
    };
    const lines = formatMessageLife(life, withFinding).join('\n');
    expect(lines).toMatch(/consumed on agent-2 before that host was lost: its offset was committed there/);
    expect(lines).toContain(`explained by lost-with-host: orders@broker-a/2: ${reason}`);
    // The same claim does not cover a message lost some other way on that queue.
    life.lost[0]!.withHost = undefined;
    expect(formatMessageLife(life, withFinding).join('\n')).toContain('explained by no finding');
  });
});
