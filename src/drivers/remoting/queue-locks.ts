/**
 * Broker-side queue locks, which orderly consumption in clustering depends on: a queue is
 * consumed only by the instance the broker's `RebalanceLockManager` lets lock it, so two
 * instances that disagree about the assignment (mid-rebalance, a zombie) can never both
 * consume it. Java's `RebalanceImpl.lock` / `lockAll` / `unlock` and
 * `MQClientAPIImpl.lockBatchMQ` / `unlockBatchMQ`: LOCK_BATCH_MQ (41) answers with the
 * subset of the asked queues this client now holds (new or renewed; another client's lock
 * younger than the broker's `rebalanceLockMaxLiveTime`, 60 s, is not taken over);
 * UNLOCK_BATCH_MQ (42) releases them.
 */
import { z } from 'zod';
import type { MessageQueueRef } from '../driver.ts';
import { RequestCode, createRequest, expectCode, parseBody, queueKey } from '../../protocol/index.ts';
import type { ClientInstance } from './client-instance.ts';

/** Java `RebalanceImpl.lock` and `lockAll` timeouts: 1 s. */
const LOCK_TIMEOUT_MS = 1000;

const LockBatchResponseSchema = z.object({
  lockOKMQSet: z
    .array(z.object({ topic: z.string(), brokerName: z.string(), queueId: z.number().int() }))
    .optional()
    .default([]),
});

/** Java `LockBatchRequestBody` / `UnlockBatchRequestBody` as fastjson writes them. */
function lockBody(group: string, clientId: string, mqs: readonly MessageQueueRef[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      consumerGroup: group,
      clientId,
      onlyThisBroker: false,
      mqSet: mqs.map((mq) => ({ brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic })),
    }),
  );
}

export class QueueLocks {
  constructor(
    private readonly instance: ClientInstance,
    private readonly group: string,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /**
   * Locks (or renews) `mqs`, one LOCK_BATCH_MQ per broker, and returns the keys (`queueKey`)
   * of those this client holds now. A broker that cannot be asked holds none of its queues for
   * us: the caller treats them as unlocked, as Java's `lockAll` does when the request throws.
   */
  async lock(mqs: readonly MessageQueueRef[]): Promise<Set<string>> {
    const locked = new Set<string>();
    await Promise.all(
      [...byBroker(mqs)].map(async ([brokerName, queues]) => {
        try {
          for (const mq of await this.lockOnBroker(brokerName, queues)) locked.add(queueKey(mq));
        } catch (err) {
          this.log(`lock of ${queues.length} queue(s) on ${brokerName} failed: ${(err as Error).message}`);
        }
      }),
    );
    return locked;
  }

  /** UNLOCK_BATCH_MQ per broker; oneway, as Java's `unlock(mq, oneway=true)` on rebalance and shutdown. */
  async unlock(mqs: readonly MessageQueueRef[]): Promise<void> {
    await Promise.all(
      [...byBroker(mqs)].map(async ([brokerName, queues]) => {
        const addr = this.instance.masterOf(brokerName);
        if (!addr) return; // the broker's lock expires on its own
        try {
          await this.instance.invokeOneway(
            addr,
            createRequest(RequestCode.UNLOCK_BATCH_MQ, {}, lockBody(this.group, this.instance.clientId, queues)),
          );
        } catch (err) {
          this.log(`unlock of ${queues.length} queue(s) on ${brokerName} failed: ${(err as Error).message}`);
        }
      }),
    );
  }

  private async lockOnBroker(brokerName: string, mqs: readonly MessageQueueRef[]): Promise<MessageQueueRef[]> {
    const addr = this.instance.requireMaster(brokerName, RequestCode.LOCK_BATCH_MQ);
    const response = await this.instance.invoke(
      addr,
      createRequest(RequestCode.LOCK_BATCH_MQ, {}, lockBody(this.group, this.instance.clientId, mqs)),
      LOCK_TIMEOUT_MS,
    );
    expectCode(response, addr, RequestCode.LOCK_BATCH_MQ);
    if (!response.body || response.body.length === 0) return [];
    return parseBody(LockBatchResponseSchema, response.body, 'LOCK_BATCH_MQ response').lockOKMQSet;
  }
}

function byBroker(mqs: readonly MessageQueueRef[]): Map<string, MessageQueueRef[]> {
  const groups = new Map<string, MessageQueueRef[]>();
  for (const mq of mqs) {
    const list = groups.get(mq.brokerName) ?? [];
    list.push(mq);
    groups.set(mq.brokerName, list);
  }
  return groups;
}
