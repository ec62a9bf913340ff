/**
 * The consumer side of an exported plan: per group one instance per client the brokers listed,
 * in client-id order (the order AllocateMessageQueueAveragely hands out queues in, and the
 * order of the plan's instance indexes), each with its own subscriptions as its running info
 * reported them; the most common instance makes the fleet, the others become overrides.
 */
import { canonicalExpression, isRetryOrDlqTopic, SUB_ALL, TAG_EXPRESSION } from '../protocol/index.ts';
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from '../plan/defaults.ts';
import { TOPIC_NAME } from '../plan/schema-names.ts';
import { tagsOf } from './export-subscription-order.ts';
import type { ClientView, GroupSnapshot } from './snapshot.ts';

export type SubscriptionMap = Record<string, string>;
export type ConsumerMode = 'push' | 'pull';

export interface ExportedOverride {
  instances: number[];
  subscription?: SubscriptionMap;
  mode?: ConsumerMode;
}

export interface ExportedConsumer {
  name: string;
  group: string;
  instances: number;
  model?: 'broadcasting';
  mode?: ConsumerMode;
  subscription: SubscriptionMap;
  overrides?: ExportedOverride[];
}

export interface Instance {
  clientId: string;
  subscription: SubscriptionMap;
  /** Canonical expression per topic, for comparing instances. */
  canonical: Map<string, string>;
  tags: Map<string, string[]>;
  mode: ConsumerMode;
}

/**
 * One instance per client the brokers listed, in client-id order (the allocation order), each
 * with a subscription a plan can write.
 */
export function instancesOf(group: GroupSnapshot, notes: string[]): Instance[] {
  const instances: Instance[] = [];
  for (const client of group.clients) {
    const own = client.subscriptions;
    const source =
      own ??
      group.brokers
        .find((b) => b.clientIds.includes(client.clientId))
        ?.subscriptions.map((s) => ({ ...s, tags: tagsOf(s.expression) }));
    if (!own)
      notes.push(
        `${group.group}: client ${client.clientId} did not answer for its running info` +
          `${client.runningInfoError ? ` (${client.runningInfoError})` : ''}; ` +
          "it subscribes what the broker's table holds",
      );
    const instance: Instance = {
      clientId: client.clientId,
      subscription: {},
      canonical: new Map(),
      tags: new Map(),
      mode: modeOf(client),
    };
    for (const s of source ?? []) {
      if (isRetryOrDlqTopic(s.topic)) continue;
      const expression = s.expression.trim() === '' ? SUB_ALL : s.expression.trim();
      if (!TOPIC_NAME.test(s.topic) || s.topic.length > L.topicNameLength || !TAG_EXPRESSION.test(expression)) {
        notes.push(
          `${group.group}: client ${client.clientId}'s subscription ${s.topic}: ${JSON.stringify(s.expression)} ` +
            'left out (a plan takes tag expressions)',
        );
        continue;
      }
      instance.subscription[s.topic] = expression;
      instance.canonical.set(s.topic, canonicalExpression(expression, s.tags));
      instance.tags.set(s.topic, s.tags);
    }
    if (Object.keys(instance.subscription).length > 0) instances.push(instance);
  }
  return instances;
}

/** Java's PROP_CONSUME_TYPE: CONSUME_ACTIVELY is a pull consumer (lite pull or DefaultMQPullConsumer). */
function modeOf(client: ClientView): ConsumerMode {
  return client.consumeType === 'CONSUME_ACTIVELY' ? 'pull' : 'push';
}

function signature(instance: Instance): string {
  return JSON.stringify([Object.entries(instance.subscription).sort(), instance.mode]);
}

/** The fleet's settings are the most common instance's; the others are overrides, grouped by what they change. */
export function consumerOf(name: string, group: GroupSnapshot, instances: readonly Instance[]): ExportedConsumer {
  const counts = new Map<string, number>();
  for (const i of instances) counts.set(signature(i), (counts.get(signature(i)) ?? 0) + 1);
  const common = instances.find((i) => counts.get(signature(i)) === Math.max(...counts.values()))!;
  const overrides = new Map<string, ExportedOverride>();
  instances.forEach((instance, index) => {
    const sig = signature(instance);
    if (sig === signature(common)) return;
    const override = overrides.get(sig) ?? {
      instances: [],
      ...(JSON.stringify(Object.entries(instance.subscription).sort()) !==
      JSON.stringify(Object.entries(common.subscription).sort())
        ? { subscription: instance.subscription }
        : {}),
      ...(instance.mode !== common.mode ? { mode: instance.mode } : {}),
    };
    override.instances.push(index);
    overrides.set(sig, override);
  });
  return {
    name,
    group: group.group,
    instances: instances.length,
    ...(group.messageModel === 'BROADCASTING' ? { model: 'broadcasting' as const } : {}),
    ...(common.mode !== D.consumer.mode ? { mode: common.mode } : {}),
    subscription: common.subscription,
    ...(overrides.size > 0 ? { overrides: [...overrides.values()] } : {}),
  };
}
