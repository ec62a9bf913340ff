/**
 * The plan's spelling of a comparison tolerance, parsed: `-10%` (relative), `+5ms`, `-500/s`,
 * `+0.001`, `+100` (absolute, in the metric's unit), or `off`. A sign is optional; when
 * written it must point the metric's worse way (a drop for throughput, a rise for latencies),
 * so `throughput: +10%` is an error rather than a tolerance that can never trigger.
 * The schema (schema-compare.ts) validates with this and resolve-compare.ts converts with it.
 */
import { comparableMetric, type ComparableMetric, type ComparableMetricId } from './comparable-metrics.ts';
import { describeValue } from './messages.ts';
import { parseDuration, parseRate } from './units.ts';

/** Which bound a value may set: in the map form each key takes one kind; the short form takes either. */
export type ToleranceSlot = 'relative' | 'absolute' | 'either';

export type ParsedBound =
  | { ok: true; kind: 'relative' | 'absolute'; value: number }
  | { ok: true; kind: 'off' }
  | { ok: false; message: string };

const RELATIVE = /^([+-]?)\s*(\d+(?:\.\d+)?)\s*%$/;
const SIGNED = /^([+-]?)\s*(.+)$/;

/** `-10%` for throughput, `+20%` otherwise. */
function relativeExample(metric: ComparableMetric): string {
  return metric.direction === 'higher-is-better' ? '-10%' : '+20%';
}

function absoluteExample(metric: ComparableMetric): string {
  switch (metric.unit) {
    case 'ms':
      return '+5ms';
    case 'per-second':
      return '-500/s';
    case 'messages':
      return '+100';
    case 'fraction':
      return '+0.001';
  }
}

function expectedText(metric: ComparableMetric, slot: ToleranceSlot): string {
  const relative = `a percentage such as "${relativeExample(metric)}"`;
  const absolute = `${ABSOLUTE_NOUN[metric.unit]} such as "${absoluteExample(metric)}"`;
  if (slot === 'relative') return `${relative} or off`;
  if (slot === 'absolute') return `${absolute} or off`;
  return `${relative}, ${absolute}, a map {relative, absolute} or off`;
}

const ABSOLUTE_NOUN: Record<ComparableMetric['unit'], string> = {
  ms: 'a duration',
  'per-second': 'a rate',
  messages: 'a number of messages',
  fraction: 'a number',
};

/** The amount after the sign, in the metric's unit; undefined when it does not parse as one. */
function absoluteAmount(text: string, metric: ComparableMetric): number | undefined {
  if (metric.unit === 'ms') {
    const parsed = parseDuration(text);
    return parsed.ok ? parsed.value : undefined;
  }
  if (metric.unit === 'per-second') {
    const parsed = parseRate(text);
    return parsed.ok ? parsed.value : undefined;
  }
  if (!/^\d+(?:\.\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  if (metric.unit === 'messages' && !Number.isInteger(n)) return undefined;
  return n;
}

export function parseToleranceBound(input: unknown, id: ComparableMetricId, slot: ToleranceSlot): ParsedBound {
  const metric = comparableMetric(id);
  const expected = `expected ${expectedText(metric, slot)}, got ${describeValue(input)}`;
  if (input === 'off') return { ok: true, kind: 'off' };
  let sign: string;
  let body: string;
  if (typeof input === 'number' && Number.isFinite(input)) {
    // YAML reads `+0.001` as the number 0.001: the sign is gone, so only a negative one counts.
    sign = input < 0 ? '-' : '';
    body = String(Math.abs(input));
  } else if (typeof input === 'string') {
    const match = SIGNED.exec(input.trim());
    if (!match) return { ok: false, message: expected };
    sign = match[1] ?? '';
    body = (match[2] ?? '').trim();
  } else {
    return { ok: false, message: expected };
  }
  const worse = metric.direction === 'higher-is-better' ? '-' : '+';
  if (sign !== '' && sign !== worse) {
    const way =
      metric.direction === 'higher-is-better'
        ? 'higher is better, so a tolerance is a drop'
        : 'lower is better, so a tolerance is a rise';
    const example =
      slot === 'absolute' || (slot === 'either' && !body.endsWith('%'))
        ? absoluteExample(metric)
        : relativeExample(metric);
    return { ok: false, message: `${metric.label}: ${way} such as "${example}", got ${describeValue(input)}` };
  }
  const relative = RELATIVE.exec(`${sign}${body}`);
  if (relative) {
    if (slot === 'absolute') return { ok: false, message: expected };
    const share = Number(relative[2]) / 100;
    // A drop of more than everything cannot happen, so such a tolerance could never trigger.
    if (metric.direction === 'higher-is-better' && share > 1)
      return { ok: false, message: `expected a drop of at most 100%, got ${describeValue(input)}` };
    return { ok: true, kind: 'relative', value: share };
  }
  if (slot === 'relative') return { ok: false, message: expected };
  const amount = absoluteAmount(body, metric);
  return amount === undefined ? { ok: false, message: expected } : { ok: true, kind: 'absolute', value: amount };
}
