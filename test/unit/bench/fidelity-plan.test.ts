/**
 * The fidelity bench's twin plans: every shipped problem plan doubles into a valid plan whose
 * consumer fleets, groups, instance faults and expected diagnoses exist once per driver, while
 * producers, topics, link faults and phases stay single.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { twinGroups, twinName, twinPlan } from '../../../bench/fidelity-plan.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';

const PROBLEMS = ['tag-drift', 'topic-drift', 'zombie-consumer', 'broker-unregistered', 'flap-duplicates'];

describe('twin plans', () => {
  it('names twins by driver, instance targets included', () => {
    expect(twinName('billing', 'java')).toBe('billing-java');
    expect(twinName('billing#1', 'node')).toBe('billing-node#1');
  });

  for (const name of PROBLEMS) {
    it(`${name}: doubles the consumer side into a plan that validates`, () => {
      const text = readFileSync(`plans/${name}.yaml`, 'utf8');
      const original = loadPlanText(text, `plans/${name}.yaml`);
      const twin = loadPlanText(twinPlan(text), `plans/${name}-fidelity.yaml`);
      expect(twin.fleets.producers).toEqual(original.fleets.producers);
      expect(twin.fleets.consumers).toHaveLength(2 * original.fleets.consumers.length);
      for (const fleet of original.fleets.consumers) {
        for (const driver of ['node', 'java'] as const) {
          const copy = twin.fleets.consumers.find((c) => c.name === `${fleet.name}-${driver}`);
          expect(copy?.group).toBe(`${fleet.group}-${driver}`);
          expect(copy?.perInstance.map((i) => [i.driver, i.subscriptions])).toEqual(
            fleet.perInstance.map((i) => [driver, i.subscriptions]),
          );
        }
      }
      const consumerFaults = original.faults.filter((f) =>
        f.occurrences.some((o) => o.targets.some((t) => t.includes('#'))),
      );
      expect(twin.faults).toHaveLength(original.faults.length + consumerFaults.length);
      expect(twin.expect.diagnoses.map((d) => d.group)).toEqual(
        original.expect.diagnoses.flatMap((d) => [`${d.group}-node`, `${d.group}-java`]),
      );
      expect(twinGroups(text)).toEqual([
        {
          group: 'billing',
          twins: { node: 'billing-node', java: 'billing-java' },
          expected: original.expect.diagnoses.filter((d) => d.group === 'billing').map((d) => d.id),
        },
      ]);
      expect(twinGroups(text)[0]!.expected.length).toBeGreaterThan(0);
    });
  }
});
