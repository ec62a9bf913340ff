import type { ClientDriver, ConsumeOutcome, Consumer, MessageQueueRef } from '../drivers/driver.ts';
import { hashSeed, seededRandom } from '../util/random.ts';
import { ConsumerBehaviour } from './consumer-behaviour.ts';
import { readIdentity } from './identity.ts';
import type { ConsumerConfig, FromWorker, ReceiptTuple } from './protocol.ts';

const REPORT_EVERY_MS = 100;

export function queueKey(queue: Pick<MessageQueueRef, 'topic' | 'brokerName' | 'queueId'>): string {
  return `${queue.topic}@${queue.brokerName}/${queue.queueId}`;
}

/**
 * One consumer instance: every message becomes a receipt shipped to the coordinator in
 * batches; messages without this run's identity are counted as foreign, never dropped.
 * Returns a function that closes the consumer (commits offsets, unregisters).
 */
export async function runConsumer(config: ConsumerConfig, driver: ClientDriver, send: (message: FromWorker) => void): Promise<() => Promise<void>> {
  let receipts: ReceiptTuple[] = [];
  let foreign = 0;
  const flush = () => {
    if (receipts.length === 0 && foreign === 0) return;
    send({ type: 'receipts', instanceId: config.instanceId, items: receipts, foreign });
    receipts = [];
    foreign = 0;
  };
  const reporter = setInterval(flush, REPORT_EVERY_MS);
  const behaviour = new ConsumerBehaviour(config, seededRandom(hashSeed(`${config.seed}:${config.instanceId}`)));

  const consumer: Consumer = await driver.createConsumer(
    {
      namesrvAddr: config.namesrvAddr,
      group: config.group,
      instanceName: config.instanceId,
      model: config.model,
      subscription: config.subscription,
      onAssignment: (queues, atMs) => send({ type: 'assignment', instanceId: config.instanceId, queues: queues.map(queueKey), atMs }),
    },
    async (message): Promise<ConsumeOutcome> => {
      const receivedAt = Date.now();
      const identity = readIdentity(message);
      if (!identity || identity.runId !== config.runId) {
        foreign++;
        return 'success';
      }
      const delay = behaviour.processingMs();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const outcome = behaviour.outcome();
      receipts.push([identity.producerId, identity.seq, message.bornTimestamp, receivedAt, queueKey(message), message.reconsumeTimes, outcome]);
      return outcome;
    },
  );

  return async () => {
    try {
      await consumer.close();
    } finally {
      clearInterval(reporter);
      flush();
    }
  };
}
