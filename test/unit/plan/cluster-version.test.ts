import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../../src/plan/load-plan.ts';

describe('cluster.version and cluster.ha in a plan', () => {
  const plan = (cluster: string) =>
    loadPlanText(`description: d\ncluster: ${cluster}\ntopics: [{name: t}]\nphases: {load: 10s}\n`, 'plans/p.yaml')
      .cluster;

  it('defaults: the pinned version, ha from the slave count and slaves from the mode', () => {
    expect(plan('{}')).toMatchObject({ version: '5.3.3', ha: 'none', slavesPerMaster: 0 });
    expect(plan('{slavesPerMaster: 1}')).toMatchObject({ ha: 'master-slave', slavesPerMaster: 1 });
    expect(plan('{ha: controller}')).toMatchObject({ ha: 'controller', slavesPerMaster: 1 });
    expect(plan('{ha: dledger, version: 4.9.7}')).toMatchObject({
      ha: 'dledger',
      slavesPerMaster: 2,
      version: '4.9.7',
    });
  });
});

describe('links of an ha controller cluster', () => {
  const withFault = (target: string) =>
    `description: d\ncluster: {ha: controller}\ntopics: [{name: t}]\nphases: {load: 10s}\n` +
    `faults: [{action: network.down, target: "${target}", at: 1s, duration: 2s}]\n`;

  it('each replica, or the one in a role when the fault fires, reaches each controller through its own link', () => {
    for (const target of ['broker-a@master->controller-0', 'broker-a-s1->controller-0', 'producers->broker-a'])
      expect(loadPlanText(withFault(target), 'plans/p.yaml').faults[0]?.occurrences[0]?.targets).toEqual([target]);
  });

  it('has no HA link under Toxiproxy (an elected slave follows whoever is master directly)', () => {
    expect(() => loadPlanText(withFault('broker-a->broker-a-s1'), 'plans/p.yaml')).toThrow(/broker-a->broker-a-s1/);
    expect(() => loadPlanText(withFault('broker-a->controller-1'), 'plans/p.yaml')).toThrow(/controller-1/);
  });
});
