/**
 * The file side of `doctor --export`: a plan is written only from a complete reading, whole
 * (validated, then renamed into place), and any failure leaves the folder as it was.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeExportedPlan } from '../../../src/cli/commands/doctor-export.ts';
import type { DoctorReport } from '../../../src/cli/commands/doctor.ts';
import type { ClusterSnapshot } from '../../../src/observe/snapshot.ts';
import { EnvironmentError } from '../../../src/util/errors.ts';

const AT = Date.UTC(2026, 11, 7, 5, 0, 0);

function snapshot(at: number, offset: number): ClusterSnapshot {
  return {
    at,
    brokers: [{ name: 'broker-a', addr: '127.0.0.1:10911' }],
    groups: [
      {
        group: 'billing',
        messageModel: 'CLUSTERING',
        brokers: [{ broker: 'broker-a', addr: '127.0.0.1:10911', clientIds: ['c0'], subscriptions: [] }],
        clients: [
          {
            clientId: 'c0',
            addr: 'c0:1',
            language: 'JAVA',
            version: 1,
            brokers: ['broker-a'],
            subscriptions: [{ topic: 'orders', expression: '*', tags: [] }],
          },
        ],
        queues: [
          {
            topic: 'orders',
            broker: 'broker-a',
            queueId: 0,
            brokerOffset: offset,
            consumerOffset: 0,
            lastTimestamp: 0,
          },
        ],
        topicQueues: { orders: [{ topic: 'orders', broker: 'broker-a', queueId: 0 }] },
      },
    ],
    errors: [],
  };
}

function report(overrides: Partial<DoctorReport> = {}): DoctorReport {
  return {
    namesrv: '127.0.0.1:9876',
    at: AT,
    windowMs: 3000,
    snapshots: 2,
    brokers: [{ name: 'broker-a', addr: '127.0.0.1:10911' }],
    groups: [],
    findings: [],
    errors: [],
    observed: { snapshots: [snapshot(AT, 0), snapshot(AT + 3000, 30)], brokerConfigs: [] },
    ...overrides,
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-export-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeExportedPlan', () => {
  it('writes the plan, and only the plan, to the path', async () => {
    const file = join(dir, 'seen.yaml');
    await writeExportedPlan(file, report());
    expect(readdirSync(dir)).toEqual(['seen.yaml']);
    expect(readFileSync(file, 'utf8')).toContain('rate: 10/s');
  });

  it('a partial reading (a failed request) is exit 1 naming the cluster, and no file', async () => {
    const file = join(dir, 'seen.yaml');
    const failing = writeExportedPlan(file, report({ errors: ['broker-a/billing consume stats: timed out'] }));
    await expect(failing).rejects.toThrow(EnvironmentError);
    await expect(failing).rejects.toThrow(
      /^no plan written: doctor could not read everything from the cluster at 127\.0\.0\.1:9876 .*timed out/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('no group to export is exit 1, and no file', async () => {
    const file = join(dir, 'seen.yaml');
    const empty = writeExportedPlan(file, report({ observed: { snapshots: [], brokerConfigs: [] } }));
    await expect(empty).rejects.toThrow('no plan written: no consumer group has an online consumer at 127.0.0.1:9876');
    expect(readdirSync(dir)).toEqual([]);
  });
});
