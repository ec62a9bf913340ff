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
import { RemotingPushConsumer, type ConsumerTuning } from './push-consumer.ts';

export { RemotingProducer, type RemotingProducerOptions } from './producer.ts';
export { RemotingPushConsumer, type ConsumerTuning, type RemotingConsumerOptions } from './push-consumer.ts';
export { SendFailedError } from './send-failed-error.ts';

/** Builds a remoting driver whose clients all use `tuning` (Java defaults when empty). */
export function createRemotingDriver(tuning: ConsumerTuning = {}): ClientDriver {
  return {
    name: 'remoting',
    async createProducer(options: ProducerOptions): Promise<Producer> {
      return RemotingProducer.start({ ...options, tuning });
    },
    async createConsumer(options: ConsumerOptions, handler: MessageHandler): Promise<Consumer> {
      return RemotingPushConsumer.start({ ...options, tuning }, handler);
    },
  };
}

export const remotingDriver: ClientDriver = createRemotingDriver();
