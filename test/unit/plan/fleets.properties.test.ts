/**
 * Properties of fleets against small models: every instance's effective settings are its
 * fleet's merged with its override; override indexes fail exactly where the model says;
 * stages resolve into the ramp they spell, or fail exactly when they cannot fit the sending
 * phases (load, chaos and heal); a constant rate sends through all three.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import type { ResolvedConsumerInstance } from '../../../src/plan/resolved-plan.ts';
import { PlanError } from '../../../src/util/errors.ts';
import { formatDuration, formatRate } from '../../../src/plan/units.ts';

const FILE = 'plans/fleet-prop.yaml';

/** Chaos and heal are written only when given (they default to 0s). */
function plan(fleets: unknown, loadMs = 60_000, chaosMs?: number, healMs?: number): string {
  return stringify({
    description: 'Fleet properties.',
    cluster: { proxy: true },
    topics: [{ name: 'orders' }, { name: 'audit' }],
    fleets,
    phases: {
      load: formatDuration(loadMs),
      ...(chaosMs !== undefined ? { chaos: formatDuration(chaosMs) } : {}),
      ...(healMs !== undefined ? { heal: formatDuration(healMs) } : {}),
    },
  });
}

/** A sending phase of chaos or heal: absent, written as 0, or lasting. */
const optionalPhaseArb = fc.oneof(fc.constant(undefined), fc.constant(0), fc.integer({ min: 1, max: 30_000 }));

function issuesOf(text: string): PlanError['issues'] {
  try {
    loadPlanText(text, FILE);
  } catch (error) {
    if (error instanceof PlanError) return error.issues;
    throw error;
  }
  return [];
}

interface OverrideModel {
  subscription?: Record<string, string>;
  protocol?: 'remoting' | 'grpc';
  mode?: 'push';
  consumeTimeMs?: number;
  failureFirst?: number;
}

const overrideArb: fc.Arbitrary<OverrideModel> = fc.record(
  {
    subscription: fc.constantFrom<Record<string, string>>(
      { orders: 'TagA' },
      { orders: '*', audit: 'TagB || TagC' },
      { audit: '*' },
    ),
    protocol: fc.constantFrom<'remoting' | 'grpc'>('remoting', 'grpc'),
    // The only mode every protocol's driver runs (drivers/capabilities.ts).
    mode: fc.constant<'push'>('push'),
    consumeTimeMs: fc.integer({ min: 0, max: 1000 }),
    failureFirst: fc.nat({ max: 10 }),
  },
  { requiredKeys: [] },
);

/** Instances, and for each the override it belongs to (or none), plus two overrides' settings. */
const layoutArb = fc
  .integer({ min: 1, max: 8 })
  .chain((instances) =>
    fc.record({
      instances: fc.constant(instances),
      owner: fc.array(fc.constantFrom<0 | 1 | undefined>(0, 1, undefined), {
        minLength: instances,
        maxLength: instances,
      }),
      overrides: fc.tuple(overrideArb, overrideArb),
    }),
  )
  // An override must change something and name at least one instance.
  .filter(({ owner, overrides }) =>
    [0, 1].every((j) => !owner.includes(j as 0 | 1) || Object.keys(overrides[j] ?? {}).length > 0),
  );

function overrideYaml(model: OverrideModel, indexes: number[]): Record<string, unknown> {
  return {
    instances: indexes,
    ...(model.subscription ? { subscription: model.subscription } : {}),
    ...(model.protocol ? { protocol: model.protocol } : {}),
    ...(model.mode ? { mode: model.mode } : {}),
    ...(model.consumeTimeMs !== undefined ? { consumeTime: formatDuration(model.consumeTimeMs) } : {}),
    ...(model.failureFirst !== undefined ? { failure: { first: model.failureFirst } } : {}),
  };
}

describe('per-instance overrides', () => {
  it('resolve every instance to its fleet settings merged with its own override', () => {
    fc.assert(
      fc.property(layoutArb, ({ instances, owner, overrides }) => {
        const indexesOf = (j: number) => owner.flatMap((o, i) => (o === j ? [i] : []));
        const used = [0, 1].filter((j) => indexesOf(j).length > 0);
        const fleet = {
          name: 'billing',
          instances,
          subscription: { orders: '*' },
          consumeTime: '7ms',
          failure: { ratio: 0.5 },
          overrides: used.map((j) => overrideYaml(overrides[j] ?? {}, indexesOf(j))),
        };
        const [resolved] = loadPlanText(plan({ consumers: [fleet] }), FILE).fleets.consumers;
        expect(resolved?.perInstance).toHaveLength(instances);
        resolved?.perInstance.forEach((instance: ResolvedConsumerInstance, i) => {
          const o = owner[i] === undefined ? {} : (overrides[owner[i]] ?? {});
          const ms = o.consumeTimeMs ?? 7;
          expect(instance).toEqual({
            index: i,
            instanceId: `billing#${i}`,
            subscriptions: Object.entries(o.subscription ?? { orders: '*' }).map(([topic, expression]) => ({
              topic,
              expression,
              tags: expression === '*' ? '*' : expression.split('||').map((t) => t.trim()),
            })),
            protocol: o.protocol ?? 'remoting',
            driver: 'node',
            mode: o.mode ?? 'push',
            consumeTime: { kind: 'fixed', ms },
            consumeTimeMs: ms,
            failure: o.failureFirst === undefined ? { ratio: 0.5, first: 0 } : { ratio: 0, first: o.failureFirst },
          });
        });
      }),
    );
  });

  it('fail exactly on indexes past the fleet or already taken, each at its own position', () => {
    const lists = fc.tuple(
      fc.array(fc.nat({ max: 9 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.nat({ max: 9 }), { minLength: 1, maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), lists, (instances, [a, b]) => {
        const text = plan({
          consumers: [
            {
              name: 'billing',
              instances,
              subscription: { orders: '*' },
              overrides: [a, b].map((l) => ({ instances: l, mode: 'push' })),
            },
          ],
        });
        const expected: string[] = [];
        const owner = new Map<number, number>();
        [a, b].forEach((list, j) =>
          list.forEach((index, k) => {
            const path = `fleets.consumers[0].overrides[${j}].instances[${k}]`;
            if (index >= instances) return void expected.push(`${path}: out of range`);
            const first = owner.get(index);
            if (first === undefined) owner.set(index, j);
            else expected.push(`${path}: ${first === j ? 'listed twice' : `already in overrides[${first}]`}`);
          }),
        );
        const issues = issuesOf(text);
        const lines = text.split('\n');
        expect(
          issues.map(
            (i) => `${i.path}: ${/out of range|listed twice|already in overrides\[\d\]/.exec(i.message)?.[0]}`,
          ),
        ).toEqual(expected);
        for (const issue of issues) {
          // Each points at its index in the flow list, e.g. `- 3` or the 3 of `[1, 3]`.
          const index = Number(/^instance (\d+)/.exec(issue.message)?.[1]);
          expect(lines[issue.line - 1]?.slice(issue.column - 1)).toMatch(new RegExp(`^${index}\\b`));
        }
      }),
    );
  });
});

const stageArb = fc.record({
  durationMs: fc.integer({ min: 0, max: 20_000 }),
  targetPerSecond: fc.integer({ min: 0, max: 1000 }),
});

describe('stages', () => {
  it(
    'resolve into the ramp they spell, or fail exactly when they ' +
      'last no time, outlast the sending phases or never send',
    () => {
      fc.assert(
        fc.property(
          fc.array(stageArb, { minLength: 1, maxLength: 5 }),
          fc.integer({ min: 0, max: 100 }),
          fc.integer({ min: 1000, max: 60_000 }),
          optionalPhaseArb,
          optionalPhaseArb,
          (stages, startRatePerSecond, loadMs, chaosMs, healMs) => {
            const text = plan(
              {
                producers: [
                  {
                    name: 'ramp',
                    topic: 'orders',
                    startRate: formatRate(startRatePerSecond),
                    stages: stages.map((s) => ({
                      duration: formatDuration(s.durationMs),
                      target: formatRate(s.targetPerSecond),
                    })),
                  },
                ],
              },
              loadMs,
              chaosMs,
              healMs,
            );
            const total = stages.reduce((sum, s) => sum + s.durationMs, 0);
            const sendingMs = loadMs + (chaosMs ?? 0) + (healMs ?? 0);
            // Without chaos and heal the message speaks of phases.load alone, as it always did; else
            // of the sum, naming chaos and heal only when they last.
            const terms = [
              `load ${formatDuration(loadMs)}`,
              ...(chaosMs ? [`chaos ${formatDuration(chaosMs)}`] : []),
              ...(healMs ? [`heal ${formatDuration(healMs)}`] : []),
            ];
            const tooLong =
              sendingMs === loadMs
                ? `longer than phases.load (${formatDuration(loadMs)}): shorten them or lengthen the load phase`
                : `longer than the sending phases (${terms.join(' + ')} = ${formatDuration(sendingMs)}): shorten ` +
                  'them or lengthen those phases';
            const peak = Math.max(startRatePerSecond, ...stages.map((s) => s.targetPerSecond));
            const expected = [
              ...(total === 0 ? ['last 0ms in total'] : total > sendingMs ? [tooLong] : []),
              ...(peak === 0 ? ['never send'] : []),
            ];
            const issues = issuesOf(text).map((i) => `${i.path}: ${i.message}`);
            expect(issues).toHaveLength(expected.length);
            expected.forEach((words, n) => {
              expect(issues[n]).toMatch(/^fleets\.producers\[0\]\.stages: the stages /);
              expect(issues[n]).toContain(words);
            });
            if (expected.length > 0) return;
            const [fleet] = loadPlanText(text, FILE).fleets.producers;
            expect(fleet).toMatchObject({
              executor: { kind: 'ramping', startRatePerSecond, stages },
              ratePerSecond: peak,
              loadMs: total,
            });
          },
        ),
      );
    },
  );

  it('a constant rate sends through load, chaos and heal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60_000 }),
        optionalPhaseArb,
        optionalPhaseArb,
        (loadMs, chaosMs, healMs) => {
          const text = plan(
            { producers: [{ name: 'steady', topic: 'orders', rate: '10/s' }] },
            loadMs,
            chaosMs,
            healMs,
          );
          const resolved = loadPlanText(text, FILE);
          expect(resolved.phases).toMatchObject({ loadMs, chaosMs: chaosMs ?? 0, healMs: healMs ?? 0 });
          expect(resolved.fleets.producers[0]?.loadMs).toBe(loadMs + (chaosMs ?? 0) + (healMs ?? 0));
        },
      ),
    );
  });
});
