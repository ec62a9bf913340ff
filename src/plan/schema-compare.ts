/**
 * The `compare:` section: tolerances for comparing a run with a baseline (`run --baseline`,
 * `rmq-chaos compare --plan`). Each comparable metric may get a short form (`-10%`, `+5ms`,
 * `off`), which replaces the default bound of its kind and keeps the other, or a map
 * `{relative, absolute}` setting both. Values are checked by compare-tolerance-text.ts.
 */
import { z } from 'zod';
import { comparableMetric, COMPARABLE_METRIC_IDS, type ComparableMetricId } from './comparable-metrics.ts';
import { DEFAULT_TOLERANCES, formatTolerance } from './compare-tolerances.ts';
import { parseToleranceBound, type ToleranceSlot } from './compare-tolerance-text.ts';
import { describeValue } from './messages.ts';
import { keyNouns, map, opt } from './schema-primitives.ts';

function bound(id: ComparableMetricId, slot: ToleranceSlot) {
  return z
    .union([z.string(), z.number()], {
      error: (iss) => {
        const parsed = parseToleranceBound(iss.input, id, slot);
        return parsed.ok ? `invalid tolerance, got ${describeValue(iss.input)}` : parsed.message;
      },
    })
    .superRefine((value, ctx) => {
      const parsed = parseToleranceBound(value, id, slot);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    });
}

function tolerance(id: ComparableMetricId) {
  const metric = comparableMetric(id);
  const worse = metric.direction === 'higher-is-better' ? 'drop' : 'rise';
  return z.union(
    [
      bound(id, 'either'),
      map(
        {
          relative: opt(bound(id, 'relative'), `Largest allowed ${worse} as a percentage of the baseline, or off.`),
          absolute: opt(bound(id, 'absolute'), `Largest allowed ${worse} in the metric's unit, or off.`),
        },
        'tolerance bounds (relative, absolute)',
      ),
    ],
    {
      error: (iss) => parseToleranceBoundMessage(iss.input, id),
    },
  );
}

function parseToleranceBoundMessage(input: unknown, id: ComparableMetricId): string {
  const parsed = parseToleranceBound(input, id, 'either');
  return parsed.ok ? `invalid tolerance, got ${describeValue(input)}` : parsed.message;
}

const tolerances = map(
  Object.fromEntries(
    COMPARABLE_METRIC_IDS.map((id) => {
      const metric = comparableMetric(id);
      const description =
        `${metric.label} (${metric.direction}): how much worse than the baseline it may get. Default ` +
        `${formatTolerance(DEFAULT_TOLERANCES[id], metric)}; a change must exceed every bound to regress.`;
      return [id, opt(tolerance(id), description)];
    }),
  ) as Record<ComparableMetricId, z.ZodOptional<ReturnType<typeof tolerance>>>,
  'comparable metrics to tolerances',
);
keyNouns.add(tolerances, { keyNoun: 'comparable metric', listKnown: true });

export const compareSection = map(
  {
    tolerances: opt(
      tolerances,
      'Per metric, how much worse than the baseline a run may be before it counts as a regression (exit 99): ' +
        '-10% (relative), +5ms (absolute), both as {relative, absolute}, or off.',
    ),
  },
  'comparison settings (tolerances)',
);
