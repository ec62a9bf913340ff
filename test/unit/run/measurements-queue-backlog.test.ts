import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventLog } from '../../../src/run/event-log.ts';
import { Measurements } from '../../../src/run/measurements.ts';
import { MessageLog } from '../../../src/run/message-log.ts';

/** A row carries the broker's lag per queue when the broker was sampled in its interval (the live page charts it). */
const EPOCH = 1_765_000_000_000;
const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-queue-backlog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('time series rows: broker backlog per queue', () => {
  it('keys lagging queues by group and queue, leaves out the ones at 0, and is absent when not sampled', async () => {
    const events = new EventLog(join(dir, 'events.ndjson'));
    const log = new MessageLog(join(dir, 'messages.ndjson.gz'));
    const m = new Measurements(events, EPOCH, log);
    m.brokerSample({
      at: EPOCH + 500,
      byGroup: { billing: 5, audit: 2 },
      byQueue: { billing: { 't@broker-a/0': 0, 't@broker-a/1': 5 }, audit: { 't@broker-a/3': 2 } },
      errors: [],
    });
    expect(m.sample(EPOCH + 1000, 'load').backlogBrokerByQueue).toEqual({
      'billing t@broker-a/1': 5,
      'audit t@broker-a/3': 2,
    });
    expect(m.sample(EPOCH + 2000, 'load')).not.toHaveProperty('backlogBrokerByQueue');
    await Promise.all([events.close(), log.close()]);
  });
});
