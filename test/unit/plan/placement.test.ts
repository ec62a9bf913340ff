import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCAL_HOST, Placer, placeFleets } from '../../../src/plan/placement.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';

const ids = (fleet: string, n: number) => Array.from({ length: n }, (_, i) => `${fleet}#${i}`);

describe('placement', () => {
  it('spreads over the agents with the fewest instances first, in declared order on ties', () => {
    const { hostOf, load } = placeFleets(
      ['a1', 'a2', 'a3'],
      [
        { instances: ids('orders', 1), placement: { kind: 'agent', agent: 'a1' } },
        { instances: ids('billing', 4), placement: { kind: 'spread' } },
        { instances: ids('audit', 1), placement: { kind: 'local' } },
      ],
    );
    expect(Object.fromEntries(hostOf)).toEqual({
      'orders#0': 'a1',
      'billing#0': 'a2',
      'billing#1': 'a3',
      'billing#2': 'a1',
      'billing#3': 'a2',
      'audit#0': LOCAL_HOST,
    });
    expect(Object.fromEntries(load)).toEqual({ a1: 2, a2: 2, a3: 1 });
  });

  it('keeps every spread placement within one instance of even, whatever the fleets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 6 }),
        (k, sizes) => {
          const agents = Array.from({ length: k }, (_, i) => `agent-${i}`);
          const { load, hostOf } = placeFleets(
            agents,
            sizes.map((n, f) => ({ instances: ids(`f${f}`, n), placement: { kind: 'spread' } })),
          );
          const counts = [...load.values()];
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          expect(hostOf.size).toBe(sizes.reduce((a, b) => a + b, 0));
        },
      ),
    );
  });

  it('counts a released instance out, so the next spread refills that agent', () => {
    const placer = new Placer(['a1', 'a2']);
    expect([placer.place({ kind: 'spread' }), placer.place({ kind: 'spread' })]).toEqual(['a1', 'a2']);
    placer.release('a2');
    expect(placer.place({ kind: 'spread' })).toBe('a2');
  });

  it('refuses spread without agents and an undeclared agent', () => {
    expect(() => new Placer([]).place({ kind: 'spread' })).toThrow(/needs at least one agent/);
    expect(() => new Placer(['a1']).place({ kind: 'agent', agent: 'a9' })).toThrow(/does not declare/);
  });

  it('resolves placement: spread by default once the plan has agents, local without', () => {
    const plan = (agents: string) =>
      loadPlanText(
        `description: d\n${agents}topics: [{name: t}]\nfleets:\n  producers: [{name: p, topic: t, rate: 1/s}]\n` +
          '  consumers: [{name: c, subscription: {t: "*"}, placement: local}]\nphases: {load: 1s}\n',
        'p.yaml',
      );
    const withAgents = plan('agents: [{name: a1, address: "h1:7420"}]\n');
    expect(withAgents.agents).toEqual([{ name: 'a1', address: 'h1:7420', capacity: 16, resources: {} }]);
    expect(withAgents.fleets.producers[0]?.placement).toEqual({ kind: 'spread' });
    expect(withAgents.fleets.consumers[0]?.placement).toEqual({ kind: 'local' });
    expect(plan('').fleets.producers[0]?.placement).toEqual({ kind: 'local' });
  });
});
