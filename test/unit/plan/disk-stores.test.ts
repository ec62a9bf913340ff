/**
 * Which store a plan's brokers get: a plain folder without disk faults, a 1 GiB tmpfs for
 * disk.fill, an ext4 image on a loop device (of the plan's storeSize) once a disk.slow is there,
 * and the limits resolved to bytes per second.
 */
import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import type { PlanError } from '../../../src/util/errors.ts';

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

describe('disk faults on this machine (run, cluster up)', () => {
  const text =
    'description: d\ntopics: [{name: t}]\nphases: {load: 30s}\nfaults:\n' +
    '  - {action: disk.slow, target: broker-a, at: 1s, duration: 5s, writeBps: 1MiB/s}\n' +
    '  - {action: disk.fill, target: broker-a, at: 10s, duration: 5s, ratio: 0.9}\n' +
    '  - {action: disk.slow, target: broker-a, at: 20s, duration: 5s, writeIops: 10}\n';
  const messages = (host: { mountProblem?: string; throttleProblem?: string }) => {
    try {
      loadPlanText(text, 'plans/p.yaml', [], { mountProblem: undefined, throttleProblem: undefined, ...host });
      return [];
    } catch (error) {
      return (error as PlanError).issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
    }
  };

  it('refuses, once per action and where it is written, what this machine cannot do', () => {
    expect(messages({})).toEqual([]);
    expect(messages({ throttleProblem: 'setting a blkio throttle needs root', mountProblem: 'needs root' })).toEqual([
      '5:14 faults[0].action: disk.slow cannot run on this machine: setting a blkio throttle needs root',
      '6:14 faults[1].action: disk.fill cannot run on this machine: needs root',
    ]);
  });

  it('leaves plans for other providers and plain validation alone', () => {
    expect(() => loadPlanText(text, 'plans/p.yaml')).not.toThrow();
    expect(messages({ throttleProblem: 'no blkio' })).toHaveLength(1);
    const external = text.replace('phases:', 'cluster: {provider: external, namesrvAddr: "127.0.0.1:9876"}\nphases:');
    expect(() => loadPlanText(external, 'plans/p.yaml', [], { mountProblem: 'x', throttleProblem: 'y' })).toThrow(
      /provider external has none/,
    );
    try {
      loadPlanText(external, 'plans/p.yaml', [], { mountProblem: 'x', throttleProblem: 'y' });
    } catch (error) {
      expect((error as PlanError).issues.some((i) => i.message.includes('on this machine'))).toBe(false);
    }
  });
});
