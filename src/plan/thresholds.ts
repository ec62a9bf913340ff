/**
 * k6-style threshold expressions: `count==0`, `rate<0.001`, `p(99)<500ms`, `max<10000`.
 * The metric is not part of the expression (it is the key the list sits under), so parsing
 * always happens against one metric's catalogue entry: that is what lets `p(99)<500` fail with
 * "needs a unit" on a latency and `count<5ms` fail with "takes a plain number" on a counter.
 */
import {
  aggregationLabel,
  exampleThreshold,
  isMetricName,
  metricSpec,
  type AggregationName,
  type MetricName,
} from './metric-catalogue.ts';
import { parseThresholdKey, unknownMetricMessage, type ThresholdSelector } from './threshold-keys.ts';
import { DURATION_PATTERN, formatDuration, parseDuration } from './units.ts';

export { METRICS, METRIC_NAMES, isMetricName, type MetricName, type MetricSpec } from './metric-catalogue.ts';
export { unknownMetricMessage, type ThresholdSelector } from './threshold-keys.ts';

export type Aggregation =
  | { kind: 'p'; p: number }
  | { kind: 'avg' }
  | { kind: 'min' }
  | { kind: 'max' }
  | { kind: 'med' }
  | { kind: 'count' }
  | { kind: 'rate' }
  | { kind: 'final' }
  | { kind: 'value' };

export const THRESHOLD_OPS = ['<', '<=', '>', '>=', '==', '!='] as const;
export type ThresholdOp = (typeof THRESHOLD_OPS)[number];

/** The comparison part of a threshold; `value` is in ms when the metric is a duration. */
export interface ThresholdExpression {
  metric: MetricName;
  aggregation: Aggregation;
  op: ThresholdOp;
  value: number;
}

export interface ParsedThreshold extends ThresholdExpression {
  /** The key as the plan wrote it, e.g. `received{group:billing,instance:each}`; reports show this. */
  key: string;
  /** The part of the metric this threshold looks at; `{}` for the whole run. */
  selector: ThresholdSelector;
  /** The expression as the plan wrote it, e.g. `p(99)<500ms`; reports show this. */
  source: string;
  /** Stop the run as soon as this threshold fails (k6 `abortOnFail`). */
  abortOnFail: boolean;
  /** Do not evaluate for abort before this much of the run has passed. */
  delayAbortEvalMs: number;
}

/** A threshold as written in a plan: the expression alone, or k6's object form. */
export type ThresholdEntryInput = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export type ThresholdResult<T> = { ok: true; value: T } | { ok: false; message: string };

const SHAPE = /^\s*([a-z]+)\s*(?:\(([^)]*)\))?\s*(<=|>=|==|!=|<|>)\s*([^\s<>=!].*?)\s*$/;
const PLAIN = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const WORDS: readonly AggregationName[] = ['count', 'rate', 'avg', 'min', 'max', 'med', 'p', 'final', 'value'];

function fail<T>(message: string): ThresholdResult<T> {
  return { ok: false, message };
}

export function parseThresholdExpression(metric: string, text: string): ThresholdResult<ThresholdExpression> {
  if (!isMetricName(metric)) return fail(unknownMetricMessage(metric));
  const spec = metricSpec(metric);
  const example = JSON.stringify(exampleThreshold(metric));
  const shapeError = `expected a threshold such as ${example}, got ${JSON.stringify(text)}`;
  const match = SHAPE.exec(text);
  if (!match) return fail(shapeError);
  const [, word, arg, op, rawValue] = match as unknown as [string, string, string | undefined, ThresholdOp, string];
  const name = WORDS.find((w) => w === word);
  if (!name || (name === 'p') !== (arg !== undefined)) return fail(shapeError);

  let aggregation: Aggregation;
  if (name === 'p') {
    const p = PLAIN.test(arg?.trim() ?? '') ? Number(arg) : Number.NaN;
    if (!(p > 0 && p <= 100)) return fail(`percentile must be in (0, 100], got p(${arg?.trim() ?? ''})`);
    aggregation = { kind: 'p', p };
  } else {
    aggregation = { kind: name };
  }
  if (!spec.aggregations.includes(name)) {
    const allowed = spec.aggregations.map(aggregationLabel).join(', ');
    return fail(`${metric} does not support ${aggregationLabel(name)} (use ${allowed})`);
  }

  const label = formatAggregation(aggregation);
  let value: number;
  if (spec.value === 'duration') {
    const duration = parseDuration(rawValue, '500ms');
    if (!duration.ok) return fail(duration.message);
    value = duration.value;
  } else {
    if (!PLAIN.test(rawValue)) {
      const what = spec.value === 'fraction' ? 'a plain number between 0 and 1' : 'a plain number';
      return fail(`${label} takes ${what}, got ${JSON.stringify(rawValue)}`);
    }
    value = Number(rawValue);
    if (spec.value === 'fraction' && !(value >= 0 && value <= 1)) {
      return fail(`${label} of ${metric} is a fraction between 0 and 1, got ${rawValue}`);
    }
  }
  return { ok: true, value: { metric, aggregation, op, value } };
}

/**
 * Parses one plan entry (string or object form) under its key (`loss`, `loss{group:billing}`)
 * into the structure checks evaluate.
 */
export function parseThreshold(key: string, entry: ThresholdEntryInput): ThresholdResult<ParsedThreshold> {
  const parsedKey = parseThresholdKey(key);
  if (!parsedKey.ok) return parsedKey;
  const text = typeof entry === 'string' ? entry : entry.threshold;
  const expression = parseThresholdExpression(parsedKey.value.metric, text);
  if (!expression.ok) return expression;
  let delayAbortEvalMs = 0;
  if (typeof entry !== 'string' && entry.delayAbortEval !== undefined) {
    const delay = parseDuration(entry.delayAbortEval);
    if (!delay.ok) return fail(`delayAbortEval: ${delay.message}`);
    delayAbortEvalMs = delay.value;
  }
  return {
    ok: true,
    value: {
      ...expression.value,
      key,
      selector: parsedKey.value.selector,
      source: text.trim(),
      abortOnFail: typeof entry === 'string' ? false : (entry.abortOnFail ?? false),
      delayAbortEvalMs,
    },
  };
}

/** True when the observed value satisfies the threshold. NaN (no data) never passes. */
export function evaluateThreshold(threshold: Pick<ThresholdExpression, 'op' | 'value'>, observed: number): boolean {
  if (Number.isNaN(observed)) return false;
  switch (threshold.op) {
    case '<':
      return observed < threshold.value;
    case '<=':
      return observed <= threshold.value;
    case '>':
      return observed > threshold.value;
    case '>=':
      return observed >= threshold.value;
    case '==':
      return observed === threshold.value;
    case '!=':
      return observed !== threshold.value;
  }
}

export function formatAggregation(aggregation: Aggregation): string {
  return aggregation.kind === 'p' ? `p(${aggregation.p})` : aggregation.kind;
}

/** A JSON Schema pattern for one metric's expressions, so editors flag `p(99)<500` early. */
export function thresholdPattern(metric: MetricName): string {
  const words = metricSpec(metric).aggregations.map((name) =>
    name === 'p' ? String.raw`p\(\s*\d+(?:\.\d+)?\s*\)` : name,
  );
  const value =
    metricSpec(metric).value === 'duration'
      ? DURATION_PATTERN.slice(1, -1)
      : String.raw`-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;
  return String.raw`^\s*(?:${words.join('|')})\s*(?:<=|>=|==|!=|<|>)\s*${value}\s*$`;
}

/** Canonical spelling of an expression (durations in the shortest unit form). */
export function formatThresholdExpression(expression: ThresholdExpression): string {
  const value =
    metricSpec(expression.metric).value === 'duration' ? formatDuration(expression.value) : String(expression.value);
  return `${formatAggregation(expression.aggregation)}${expression.op}${value}`;
}
