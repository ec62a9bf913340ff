/**
 * The thresholds map: metric (or `metric{selector}`) → list of k6-style expressions. Plain
 * metric names are ordinary documented keys, so editors complete them. Keys with a selector
 * are open-ended, so the map lets any other key through to a check that validates its list
 * with the metric's own rules; whether the key itself is valid (the metric exists and takes a
 * selector, the group or instance exists) is `cross-check-thresholds.ts`'s job, which runs
 * even when a list is broken.
 */
import { z } from 'zod';
import { describeValue } from './messages.ts';
import {
  METRICS,
  METRIC_NAMES,
  SELECTABLE_METRICS,
  exampleThreshold,
  isMetricName,
  thresholdHelp,
  type MetricName,
} from './metric-catalogue.ts';
import { boolean, duration, list, map, opt, req } from './schema-primitives.ts';
import { parseThresholdKey, selectorKeyPattern } from './threshold-keys.ts';
import { parseThresholdExpression, thresholdPattern } from './thresholds.ts';

function thresholdExpression(metric: MetricName) {
  return z
    .string({
      error: (iss) => `expected a threshold such as "${exampleThreshold(metric)}", got ${describeValue(iss.input)}`,
    })
    .superRefine((value, ctx) => {
      const parsed = parseThresholdExpression(metric, value);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    })
    .meta({
      description: thresholdHelp(metric),
      examples: [exampleThreshold(metric)],
      pattern: thresholdPattern(metric),
    });
}

function thresholdEntries(metric: MetricName) {
  const expression = thresholdExpression(metric);
  const entry = z.union(
    [
      expression,
      map(
        {
          threshold: req(expression, 'The expression, e.g. p(99)<500ms.'),
          abortOnFail: opt(boolean(), 'Stop the run as soon as this threshold fails.', false),
          delayAbortEval: opt(duration(), 'Do not abort on this threshold before this much run time.'),
        },
        'threshold settings (threshold, abortOnFail, delayAbortEval)',
      ),
    ],
    {
      error: (iss) =>
        `expected a threshold such as "${exampleThreshold(metric)}" or a map with a threshold key, got ` +
        `${describeValue(iss.input)}`,
    },
  );
  return list(entry, 'thresholds');
}

const ENTRIES = new Map(METRIC_NAMES.map((metric) => [metric, thresholdEntries(metric)]));

function entriesOf(metric: MetricName): ReturnType<typeof thresholdEntries> {
  const entries = ENTRIES.get(metric);
  if (!entries) throw new Error(`internal: no threshold schema for ${metric}`);
  return entries;
}

export const SELECTOR_HELP =
  'A selector narrows the metric to a group, fleet or instance: received{group:billing}, ' +
  'loss{fleet:billing}, received{group:billing,instance:each} (every instance separately) or ' +
  'received{instance:billing#2}.';

/** Where the plain key's schema sits in the exported JSON Schema; selector keys refer to it. */
const PLAIN_KEY_REF = (metric: MetricName) => `#/properties/thresholds/properties/${metric}`;

export const thresholds = map(
  Object.fromEntries(
    METRIC_NAMES.map((metric) => [metric, opt(entriesOf(metric), METRICS[metric].description)]),
  ) as Record<MetricName, z.ZodOptional<ReturnType<typeof thresholdEntries>>>,
  'metric names to threshold lists',
)
  .catchall(z.unknown())
  .superRefine(
    (value, ctx) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
      for (const [key, entries] of Object.entries(value)) {
        if (isMetricName(key)) continue;
        const parsed = parseThresholdKey(key);
        // A bad key is reported by the cross-checks; its list cannot be judged without a metric.
        if (!parsed.ok) continue;
        const result = entriesOf(parsed.value.metric).safeParse(entries);
        for (const issue of result.error?.issues ?? []) ctx.addIssue({ ...issue, path: [key, ...issue.path] });
      }
    },
    // Selector keys are checked even when a plain key's list is broken: every problem in one pass.
    { when: () => true },
  )
  .meta({
    // The zod side lets unknown keys through to the check above; editors still flag them.
    additionalProperties: false,
    patternProperties: Object.fromEntries(
      SELECTABLE_METRICS.map((metric) => [selectorKeyPattern(metric), { $ref: PLAIN_KEY_REF(metric) }]),
    ),
  });
