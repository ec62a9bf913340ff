/**
 * The `grpc` client driver: the RocketMQ 5 protocol through the proxy, with the official
 * Node client (rocketmq-client-nodejs 1.0.8), as the modern control next to `remoting`.
 * Producers send NORMAL messages; consumers pop (clustering only: the proxy has no
 * broadcasting for pop), so there is no client-side queue assignment to observe.
 *
 * The proxy address is `endpoint ?? namesrvAddr` (the proxy's gRPC port, not the name
 * server). Producer groups and instance names have no meaning in the 5.x protocol: the
 * library makes up its own client id. Consumer groups are created by the broker on first use
 * (autoCreateSubscriptionGroup, on by default); topics must exist (the proxy answers
 * TOPIC_NOT_FOUND), and a topic created without a `message.type` attribute counts as NORMAL.
 */
import type { ClientDriver, Consumer, ConsumerOptions, MessageHandler, Producer, ProducerOptions } from '../driver.ts';
import type { GrpcClientTuning } from './client-lifecycle.ts';
import { GrpcProducer } from './producer.ts';
import { GrpcPushConsumer, type GrpcConsumerTuning } from './push-consumer.ts';
import { UsageError } from '../../util/errors.ts';

export { GrpcProducer, type GrpcProducerOptions } from './producer.ts';
export {
  GrpcPushConsumer,
  type GrpcConsumerOptions,
  type GrpcConsumerStats,
  type GrpcConsumerTuning,
} from './push-consumer.ts';
export { GrpcSimpleConsumer, PoppedMessage, type GrpcSimpleConsumerOptions } from './simple-consumer.ts';
export type { GrpcClientTuning } from './client-lifecycle.ts';
export * from './errors.ts';

/** Builds a grpc driver whose clients all use `tuning` (defaults when empty). */
export function createGrpcDriver(tuning: GrpcConsumerTuning = {}): ClientDriver {
  const clientTuning: GrpcClientTuning = tuning;
  return {
    name: 'grpc',
    async createProducer(options: ProducerOptions): Promise<Producer> {
      return GrpcProducer.start({ ...options, tuning: clientTuning });
    },
    async createConsumer(options: ConsumerOptions, handler: MessageHandler): Promise<Consumer> {
      // This driver passes expressions to the library as tag filters: a SQL92 one would
      // subscribe by a tag named after the SQL text and silently receive nothing.
      const sql = options.subscriptions.find((s) => s.type === 'SQL92');
      if (sql)
        throw new UsageError(
          `the grpc driver subscribes by tag only; ${sql.topic}'s SQL92 subscription needs protocol remoting`,
        );
      return GrpcPushConsumer.start({ ...options, tuning }, handler);
    },
  };
}

export const grpcDriver: ClientDriver = createGrpcDriver();
