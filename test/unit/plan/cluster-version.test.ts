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
