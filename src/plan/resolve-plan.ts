/**
 * Fills every default and converts every unit of a plan that passed validation. This is the
 * only place defaults are applied, so "what does an omitted key mean" has one answer.
 */
import { basename, extname } from 'node:path';
import { PLAN_DEFAULTS as D } from './defaults.ts';
import type { ResolvedPlan, ResolvedSubscription } from './resolved-plan.ts';
import type { PlanDocument } from './schema.ts';
import { parseThreshold, type ParsedThreshold } from './thresholds.ts';
import { parseDuration, parseRate, parseSize, type UnitResult } from './units.ts';

/** Validation already accepted the value; failing here means schema and resolver disagree. */
function must(result: UnitResult, what: string): number {
  if (!result.ok) throw new Error(`internal: validated ${what} did not parse: ${result.message}`);
  return result.value;
}

const ms = (text: string): number => must(parseDuration(text), 'duration');
const bytes = (text: string): number => must(parseSize(text), 'size');
const perSecond = (text: string): number => must(parseRate(text), 'rate');

/** `plans/Smoke Test.yaml` → `smoke-test`: the default name must itself be a valid name. */
export function planNameFromFile(file: string): string {
  const base = basename(file, extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return base || 'plan';
}

export function brokerName(index: number): string {
  // broker-a … broker-z is far beyond the 4 brokers a plan may ask for.
  return `broker-${String.fromCharCode('a'.charCodeAt(0) + index)}`;
}

function subscription(topic: string, expression: string): ResolvedSubscription {
  const trimmed = expression.trim();
  const tags = trimmed === '*' ? '*' : trimmed.split('||').map((tag) => tag.trim());
  return { topic, expression: trimmed, tags };
}

function thresholds(plan: PlanDocument): ParsedThreshold[] {
  const parsed: ParsedThreshold[] = [];
  for (const [metric, entries] of Object.entries(plan.thresholds ?? {})) {
    for (const entry of entries ?? []) {
      const result = parseThreshold(metric, entry);
      if (!result.ok) throw new Error(`internal: validated threshold did not parse: ${result.message}`);
      parsed.push(result.value);
    }
  }
  return parsed;
}

export function resolvePlan(plan: PlanDocument, file: string, sets: readonly string[] = []): ResolvedPlan {
  const cluster = plan.cluster ?? {};
  const provider = cluster.provider ?? D.cluster.provider;
  const brokers = cluster.brokers ?? D.cluster.brokers;
  return {
    version: 1,
    name: plan.name ?? planNameFromFile(file),
    description: plan.description,
    seed: plan.seed ?? D.seed,
    cluster: {
      provider,
      namesrv: cluster.namesrv ?? D.cluster.namesrv,
      brokers,
      brokerNames: Array.from({ length: brokers }, (_, i) => brokerName(i)),
      slavesPerMaster: cluster.slavesPerMaster ?? D.cluster.slavesPerMaster,
      proxy: cluster.proxy ?? D.cluster.proxy,
      heapBytes: bytes(cluster.heap ?? D.cluster.heap),
      ...(provider === 'external' && cluster.namesrvAddr !== undefined ? { namesrvAddr: cluster.namesrvAddr } : {}),
      brokerConfig: { ...cluster.brokerConfig },
    },
    topics: plan.topics.map((topic) => ({ name: topic.name, queues: topic.queues ?? D.topic.queues })),
    fleets: {
      producers: (plan.fleets?.producers ?? []).map((p) => ({
        name: p.name,
        topic: p.topic,
        instances: p.instances ?? D.producer.instances,
        protocol: p.protocol ?? D.producer.protocol,
        ratePerSecond: perSecond(p.rate),
        messageSizeBytes: bytes(p.messageSize ?? D.producer.messageSize),
        tags: Object.entries(p.tags ?? {}).map(([tag, weight]) => ({ tag, weight })),
        ...(p.maxMessages !== undefined ? { maxMessages: p.maxMessages } : {}),
      })),
      consumers: (plan.fleets?.consumers ?? []).map((c) => ({
        name: c.name,
        group: c.group ?? c.name,
        instances: c.instances ?? D.consumer.instances,
        protocol: c.protocol ?? D.consumer.protocol,
        model: c.model ?? D.consumer.model,
        subscriptions: Object.entries(c.subscription).map(([topic, expression]) => subscription(topic, expression)),
        consumeTimeMs: ms(c.consumeTime ?? D.consumer.consumeTime),
      })),
    },
    phases: {
      warmupMs: ms(plan.phases.warmup ?? D.phases.warmup),
      loadMs: ms(plan.phases.load),
      drainMs: ms(plan.phases.drain ?? D.phases.drain),
    },
    thresholds: thresholds(plan),
    source: { file, sets: [...sets] },
  };
}
