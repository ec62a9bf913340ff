/**
 * disk.slow apart from the kernel: it throttles the target's store device with exactly the
 * plan's limits and lifts them once however often it is ended, refuses a target without a store
 * device of its own, and says its limits in MiB/s and IOPS.
 */
import { describe, expect, it } from 'vitest';
import { describeLimits } from '../../../src/faults/actions/disk-slow.ts';
import { getFaultAction } from '../../../src/faults/registry.ts';
import type { FaultContext } from '../../../src/faults/fault-action.ts';
import type { NodeControl } from '../../../src/cluster/node-control.ts';

function nodes(calls: string[], withDevice: boolean): NodeControl {
  const none = async () => {};
  return {
    names: () => ['broker-a'],
    kill: none,
    pause: none,
    resume: none,
    restart: none,
    storeThrottle: (node) =>
      withDevice
        ? {
            deviceName: '/dev/loop5 (7:5)',
            throttle: (limits) => calls.push(`throttle ${node} ${JSON.stringify(limits)}`),
            unthrottle: () => calls.push(`unthrottle ${node}`),
          }
        : undefined,
  };
}

describe('disk.slow', () => {
  it('throttles with the given limits only, and lifts them once', async () => {
    const calls: string[] = [];
    const context: FaultContext = { nodes: nodes(calls, true), log: () => {} };
    const handle = await getFaultAction('disk.slow').begin('broker-a', { writeBps: 262144, writeIops: 20 }, context);
    expect(handle.observed.detail).toBe("write 0.250 MiB/s, 20 IOPS on broker-a's store /dev/loop5 (7:5)");
    await Promise.all([handle.end(), handle.end()]);
    expect(calls).toEqual(['throttle broker-a {"writeBps":262144,"writeIops":20}', 'unthrottle broker-a']);
    expect(handle.observed.endedAt).toBeGreaterThanOrEqual(handle.observed.begunAt);
  });

  it('refuses a broker whose store is not a device of its own', async () => {
    const context: FaultContext = { nodes: nodes([], false), log: () => {} };
    await expect(getFaultAction('disk.slow').begin('broker-a', { writeBps: 1 }, context)).rejects.toThrow(
      /broker-a has no store device of its own/,
    );
  });

  it('says the limits per direction', () => {
    expect(describeLimits({ writeBps: 3 * 2 ** 20, readBps: 2 ** 19, readIops: 40 })).toBe(
      'write 3.0 MiB/s; read 0.500 MiB/s, 40 IOPS',
    );
  });
});
