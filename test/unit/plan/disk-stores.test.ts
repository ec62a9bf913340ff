/**
 * Which store a plan's brokers get: a plain folder without disk faults, a 1 GiB tmpfs for
 * disk.fill, an ext4 image on a loop device (of the plan's storeSize) once a disk.slow is there,
 * and the limits resolved to bytes per second.
 */
import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../src/plan/load-plan.ts';

const plan = (extra: string) =>
  loadPlanText(`description: d\ntopics: [{name: t}]\nphases: {load: 30s}\n${extra}`, 'plans/p.yaml');

describe('broker stores for disk faults', () => {
  it('is a folder without, a tmpfs for disk.fill, a loop device for disk.slow', () => {
    expect(plan('').cluster).not.toHaveProperty('storeBytes');
    const fill = plan('faults: [{action: disk.fill, target: broker-a, at: 1s, duration: 5s, ratio: 0.9}]').cluster;
    expect(fill).toMatchObject({ storeBytes: 2 ** 30 });
    expect(fill).not.toHaveProperty('storeOn');
    const slow = plan(
      'cluster: {storeSize: 512MiB}\n' +
        'faults:\n' +
        '  - {action: disk.fill, target: broker-a, at: 1s, duration: 5s, ratio: 0.9}\n' +
        '  - {action: disk.slow, target: broker-a, at: 10s, duration: 5s, writeBps: 256KiB/s, readIops: 30}\n',
    );
    expect(slow.cluster).toMatchObject({ storeBytes: 512 * 2 ** 20, storeOn: 'loop' });
    expect(slow.faults[1]?.params).toEqual({ writeBps: 262144, readIops: 30 });
  });
});
