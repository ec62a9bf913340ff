/**
 * Response bodies of the admin requests, validated at the edge (fastjson, read leniently):
 * consume stats, consumer list and connections, a client's running info, subscription groups.
 * Only the fields the harness reads are declared; the rest pass through or are dropped.
 */
import { z } from 'zod';

export interface QueueConsumeStats {
  topic: string;
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  pullOffset: number;
  /** Store time of the last consumed message (0 when none). */
  lastTimestamp: number;
}

const OffsetWrapperSchema = z.object({
  brokerOffset: z.number(),
  consumerOffset: z.number(),
  pullOffset: z.number().default(0),
  lastTimestamp: z.number().default(0),
});
export const ConsumeStatsSchema = z.object({
  consumeTps: z.number().default(0),
  offsetTable: z.record(z.string(), OffsetWrapperSchema),
});
/** A `MessageQueue` used as a JSON object key (fastjson writes such maps with object keys). */
export const QueueKeySchema = z.object({ topic: z.string(), brokerName: z.string(), queueId: z.number() });
/** `SubscriptionData` as the broker holds it (in connection lists) and a client reports it (in running info). */
export const SubscriptionSchema = z.object({
  topic: z.string(),
  subString: z.string(),
  tagsSet: z.array(z.string()).default([]),
  subVersion: z.number(),
  /** TAG or SQL92 (absent from very old clients: TAG). */
  expressionType: z.string().optional(),
});
/**
 * `QuerySubscriptionResponseBody`: the subscription a broker finds for a group and topic, from
 * its heartbeat table or, for a group no client heartbeats to it (pop through a proxy, plain
 * pull), from the expression of the group's latest pop or pull request; null when neither.
 */
export const QuerySubscriptionSchema = z.object({
  group: z.string(),
  topic: z.string(),
  subscriptionData: SubscriptionSchema.nullish(),
});
export type SubscriptionBody = z.infer<typeof SubscriptionSchema>;
export const ConsumerIdListSchema = z.object({ consumerIdList: z.array(z.string()) });
export const ConsumerConnectionSchema = z.object({
  connectionSet: z.array(
    z.object({ clientId: z.string(), clientAddr: z.string(), language: z.string(), version: z.number() }),
  ),
  subscriptionTable: z.record(z.string(), SubscriptionSchema).default({}),
  consumeType: z.string().optional(),
  messageModel: z.string().optional(),
  consumeFromWhere: z.string().optional(),
});
export type ConsumerConnection = z.infer<typeof ConsumerConnectionSchema>;
export const RunningInfoSchema = z
  .object({
    properties: z.record(z.string(), z.unknown()).default({}),
    subscriptionSet: z.array(SubscriptionSchema).default([]),
    mqTable: z
      .record(
        z.string(),
        z
          .object({
            commitOffset: z.number(),
            lastPullTimestamp: z.number().optional(),
            lastConsumeTimestamp: z.number().optional(),
          })
          .passthrough(),
      )
      .default({}),
  })
  .passthrough();
/** `SubscriptionGroupWrapper`: group name → `SubscriptionGroupConfig` (only the names are read). */
export const SubscriptionGroupWrapperSchema = z.object({
  subscriptionGroupTable: z.record(z.string(), z.unknown()).default({}),
});
export interface ConsumerRunningInfo {
  properties: Record<string, unknown>;
  subscriptions: z.infer<typeof SubscriptionSchema>[];
  queues: {
    topic: string;
    brokerName: string;
    queueId: number;
    commitOffset: number;
    /** When the client last pulled / handed a message of it to the listener, epoch ms (ProcessQueueInfo). */
    lastPullTimestamp?: number;
    lastConsumeTimestamp?: number;
  }[];
}
