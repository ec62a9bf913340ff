/**
 * The `remoting` client driver: the classic RocketMQ protocol (what Java 4.x/5.x clients
 * speak to name servers and brokers), implemented here rather than through `ali-ons` or
 * another library because the harness must control and observe what those libraries hide:
 * each instance's queue assignment and every change to it with its time, heartbeats (a
 * zombie consumer stops heartbeating without closing), whether close unregisters or not,
 * and when rebalances run. Everything else follows the Java client's defaults, so that what
 * the harness measures is what a Java fleet would do.
 */
import type { ClientDriver, Consumer, ConsumerOptions, MessageHandler, Producer, ProducerOptions } from '../driver.ts';
import { RemotingProducer } from './producer.ts';
import { RemotingLitePullConsumer, type LitePullTuning } from './lite-pull-consumer.ts';
import { RemotingPushConsumer, type ConsumerTuning } from './push-consumer.ts';
import { UsageError } from '../../util/errors.ts';

export { RemotingProducer, type RemotingProducerOptions } from './producer.ts';
export { RemotingPushConsumer, type ConsumerTuning, type RemotingConsumerOptions } from './push-consumer.ts';
export {
  RemotingLitePullConsumer,
  queuesByHand,
  type LitePullTuning,
  type RemotingLitePullConsumerOptions,
} from './lite-pull-consumer.ts';
export { SendFailedError } from './send-failed-error.ts';

/**
 * Builds a remoting driver whose clients all use `tuning` (Java defaults when empty). Modes:
 * `push` (concurrently or orderly) and `pull` (lite pull, subscribe or assign); not `simple`,
 * which is the gRPC proxy's receive-and-ack API.
 */
export function createRemotingDriver(tuning: ConsumerTuning & LitePullTuning = {}): ClientDriver {
  return {
    name: 'remoting',
    async createProducer(options: ProducerOptions): Promise<Producer> {
      return RemotingProducer.start({ ...options, tuning });
    },
    async createConsumer(options: ConsumerOptions, handler: MessageHandler): Promise<Consumer> {
      const mode = options.mode ?? 'push';
      if (options.assign && mode !== 'pull')
        throw new UsageError(`consumer ${options.instanceName}: assign is for mode pull, not ${mode}`);
      if (mode === 'pull') return RemotingLitePullConsumer.start({ ...options, tuning }, handler);
      if (mode === 'push') return RemotingPushConsumer.start({ ...options, tuning }, handler);
      throw new UsageError(
        `consumer ${options.instanceName}: the remoting driver has no mode ${mode}`,
        'use push or pull',
      );
    },
  };
}

export const remotingDriver: ClientDriver = createRemotingDriver();
