/**
 * Threshold keys: the metric exists, the selector is well formed (threshold-keys.ts), and what
 * it selects exists in this plan: a consumer group, a consumer fleet, an instance within its
 * fleet's count, and all of them consistent with each other.
 */
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { closestMatch, type PathSegment } from './messages.ts';
import { int, items, record, str, type Raw } from './raw.ts';
import { parseThresholdKey, type ThresholdSelector } from './threshold-keys.ts';
import { isMetricName } from './metric-catalogue.ts';
import type { PendingIssue } from './zod-issues.ts';

interface ConsumerFleetInfo {
  group: string;
  /** undefined when the plan's count is invalid (then indexes are not judged). */
  instances: number | undefined;
}

export interface PlanFleets {
  consumers: Map<string, ConsumerFleetInfo>;
  producers: Set<string>;
  groups: string[];
}

/** The plan's fleets, or undefined when they are too broken to judge references against. */
export function planFleets(plan: Raw): PlanFleets | undefined {
  const fleets = plan.fleets === undefined ? {} : record(plan.fleets);
  if (!fleets) return undefined;
  if (fleets.consumers !== undefined && !Array.isArray(fleets.consumers)) return undefined;
  const consumers = new Map<string, ConsumerFleetInfo>();
  const producers = new Set<string>();
  for (const raw of items(fleets.consumers)) {
    const name = str(record(raw)?.name);
    if (name === undefined) return undefined;
    const fleet = record(raw) ?? {};
    const instances =
      fleet.instances === undefined ? D.consumer.instances : int(fleet.instances, L.instances.min, L.instances.max);
    consumers.set(name, { group: str(fleet.group) ?? name, instances });
  }
  for (const raw of items(fleets.producers)) {
    const name = str(record(raw)?.name);
    if (name !== undefined) producers.add(name);
  }
  const groups = [...new Set([...consumers.values()].map((c) => c.group))];
  return { consumers, producers, groups };
}

/** `where` follows the name: ` in instance "x#1"`. */
export function unknownName(noun: string, name: string, known: readonly string[], where = ''): string {
  const unknown = `unknown ${noun} ${JSON.stringify(name)}${where}`;
  if (known.length === 0) return `${unknown}: the plan has no consumer fleets`;
  const suggestion = closestMatch(name, known);
  return `${unknown} (${suggestion ? `did you mean ${JSON.stringify(suggestion)}?` : `${noun}s: ${known.join(', ')}`})`;
}

/** The first thing wrong with what the selector points at, or undefined. */
function selectorProblem(metric: string, selector: ThresholdSelector, fleets: PlanFleets): string | undefined {
  const { group, fleet, instance } = selector;
  const consumerNames = [...fleets.consumers.keys()];
  if (group !== undefined && !fleets.groups.includes(group)) return unknownName('group', group, fleets.groups);
  if (fleet !== undefined) {
    const info = fleets.consumers.get(fleet);
    if (!info && fleets.producers.has(fleet)) {
      return (
        `fleet ${JSON.stringify(fleet)} is a producer fleet: ${metric} is measured on consumer fleets ` +
        `(${consumerNames.join(', ') || 'none in this plan'})`
      );
    }
    if (!info) return unknownName('consumer fleet', fleet, consumerNames);
    if (group !== undefined && info.group !== group) {
      return `fleet ${JSON.stringify(fleet)} is not in group ${JSON.stringify(group)} (its group is ${info.group})`;
    }
  }
  if (instance === undefined || instance === 'each') return undefined;
  const hash = instance.lastIndexOf('#');
  const owner = instance.slice(0, hash);
  const index = Number(instance.slice(hash + 1));
  const info = fleets.consumers.get(owner);
  if (!info) return unknownName('consumer fleet', owner, consumerNames, ` in instance ${JSON.stringify(instance)}`);
  if (info.instances !== undefined && index >= info.instances) {
    const range = info.instances === 1 ? `${owner}#0` : `${owner}#0 to ${owner}#${info.instances - 1}`;
    const count = `${info.instances} instance${info.instances === 1 ? '' : 's'}`;
    return `instance ${JSON.stringify(instance)} does not exist: fleet ${owner} has ${count} (${range})`;
  }
  if (fleet !== undefined && owner !== fleet)
    return `instance ${JSON.stringify(instance)} is not in fleet ${JSON.stringify(fleet)}`;
  if (group !== undefined && info.group !== group) {
    return (
      `instance ${JSON.stringify(instance)} is not in group ${JSON.stringify(group)} (fleet ${owner} is in ` +
      `group ${info.group})`
    );
  }
  return undefined;
}

export function checkThresholdKeys(plan: Raw, issues: PendingIssue[]): void {
  const thresholds = record(plan.thresholds);
  if (!thresholds) return;
  const fleets = planFleets(plan);
  for (const key of Object.keys(thresholds)) {
    if (isMetricName(key)) continue;
    const path: PathSegment[] = ['thresholds', key];
    const parsed = parseThresholdKey(key);
    if (!parsed.ok) {
      // A plain unknown name reads like any unknown key: printed at its map, as before selectors existed.
      const plain = !/[{}]/.test(key);
      issues.push({ path, anchor: 'key', message: parsed.message, ...(plain ? { shownPath: ['thresholds'] } : {}) });
      continue;
    }
    const problem = fleets && selectorProblem(parsed.value.metric, parsed.value.selector, fleets);
    if (problem) issues.push({ path, anchor: 'key', message: problem });
  }
}
