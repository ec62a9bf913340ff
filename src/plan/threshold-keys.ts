/**
 * Threshold keys: a metric name, optionally narrowed by a selector in braces, as k6 writes
 * sub-metrics: `received{group:clustered,instance:each}`, `loss{group:billing}`. This file
 * checks what the key alone can tell (the metric exists and takes selectors, the selector
 * keys are known and their values well formed); whether the group, fleet or instance exists
 * in the plan is a cross-field rule (`cross-check-thresholds.ts`).
 */
import { closestMatch } from './messages.ts';
import { METRIC_NAMES, SELECTABLE_METRICS, isMetricName, metricSpec, type MetricName } from './metric-catalogue.ts';

export const SELECTOR_KEYS = ['group', 'fleet', 'instance', 'side'] as const;
export type SelectorKey = (typeof SELECTOR_KEYS)[number];

/**
 * Which part of a metric a threshold looks at; empty when the key has no braces. `instance` is
 * an instance id (`billing#2`) or `each`: the threshold is evaluated once per instance of the
 * selected group or fleet, and fails if any instance fails.
 */
export interface ThresholdSelector {
  group?: string;
  fleet?: string;
  instance?: string;
  /** Only for failover_rto: which recovery (send, consume, elect); all of them when absent. */
  side?: string;
}

export interface ThresholdKey {
  metric: MetricName;
  selector: ThresholdSelector;
}

export type KeyResult = { ok: true; value: ThresholdKey } | { ok: false; message: string };

/** Same alphabets as the plan's group and fleet names (schema.ts); instance ids are `<fleet>#<index>`. */
const VALUE_RULES: Record<SelectorKey, { regex: RegExp; what: string }> = {
  group: { regex: /^[A-Za-z0-9_-]+$/, what: 'a group name such as "billing"' },
  fleet: { regex: /^[a-z0-9][a-z0-9-]*$/, what: 'a fleet name such as "billing"' },
  instance: {
    regex: /^(?:[a-z0-9][a-z0-9-]*#(?:0|[1-9]\d*)|each)$/,
    what: 'an instance id such as "billing#2" or each',
  },
  side: { regex: /^(?:send|consume|elect)$/, what: 'send, consume or elect' },
};

const KEY = /^([^{}]*?)\s*\{([^{}]*)\}$/;
const EXAMPLE = 'received{group:billing,instance:each}';

function fail(message: string): KeyResult {
  return { ok: false, message };
}

export function unknownMetricMessage(name: string): string {
  const suggestion = closestMatch(name, METRIC_NAMES);
  const hint = suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : '';
  return `unknown metric ${JSON.stringify(name)}${hint} (known: ${METRIC_NAMES.join(', ')})`;
}

/** The metric a key is about, whatever its selector says: `loss{group:a}` → `loss`. */
export function thresholdKeyMetric(key: string): string {
  return KEY.exec(key)?.[1] ?? key;
}

export function parseThresholdKey(key: string): KeyResult {
  const match = KEY.exec(key);
  const metric = match ? (match[1] ?? '') : key;
  if (!isMetricName(metric)) {
    return metric === '' || /[{}]/.test(metric)
      ? fail(`expected a metric name, optionally with a selector such as ${EXAMPLE}, got ${JSON.stringify(key)}`)
      : fail(unknownMetricMessage(metric));
  }
  if (!match) return { ok: true, value: { metric, selector: {} } };
  if (!metricSpec(metric).selectable) {
    return fail(
      `${metric} does not take a selector: only metrics measured per consumer group do ` +
        `(${SELECTABLE_METRICS.join(', ')})`,
    );
  }
  const selector: ThresholdSelector = {};
  for (const part of (match[2] ?? '').split(',')) {
    const colon = part.indexOf(':');
    const name = part.slice(0, Math.max(colon, 0)).trim();
    const value = part.slice(colon + 1).trim();
    if (colon < 0 || name === '' || value === '') {
      return fail(`expected key:value selectors such as ${EXAMPLE}, got ${JSON.stringify(key)}`);
    }
    const known = SELECTOR_KEYS.find((k) => k === name);
    if (!known) {
      const suggestion = closestMatch(name, SELECTOR_KEYS);
      const hint = suggestion ? `did you mean ${JSON.stringify(suggestion)}?` : `known: ${SELECTOR_KEYS.join(', ')}`;
      return fail(`unknown selector ${JSON.stringify(name)} (${hint})`);
    }
    if (selector[known] !== undefined) return fail(`selector ${JSON.stringify(known)} is given twice`);
    const rule = VALUE_RULES[known];
    if (!rule.regex.test(value)) return fail(`selector ${known}: expected ${rule.what}, got ${JSON.stringify(value)}`);
    selector[known] = value;
  }
  if (metric === 'failover_rto' && (selector.fleet !== undefined || selector.instance !== undefined))
    return fail('failover_rto takes side (send, consume, elect) and, with side:consume, a group');
  if (metric !== 'failover_rto' && selector.side !== undefined)
    return fail(`side selects a recovery of failover_rto (send, consume, elect); ${metric} has none`);
  if (selector.instance === 'each' && selector.group === undefined && selector.fleet === undefined) {
    return fail(`instance:each needs a group or fleet whose instances to take, such as ${EXAMPLE}`);
  }
  return { ok: true, value: { metric, selector } };
}

/** Canonical spelling: selectors in the order group, fleet, instance, no spaces. */
export function formatThresholdKey({ metric, selector }: ThresholdKey): string {
  const parts = SELECTOR_KEYS.filter((k) => selector[k] !== undefined).map((k) => `${k}:${selector[k]}`);
  return parts.length === 0 ? metric : `${metric}{${parts.join(',')}}`;
}

/** JSON Schema pattern for the selector form of one metric's keys (editors; the parser decides). */
export function selectorKeyPattern(metric: MetricName): string {
  const pair = String.raw`\s*(?:${SELECTOR_KEYS.join('|')})\s*:\s*[^\s,{}]+\s*`;
  return String.raw`^${metric}\s*\{${pair}(?:,${pair})*\}$`;
}
