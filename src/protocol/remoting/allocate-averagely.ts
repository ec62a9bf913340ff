/**
 * Java-compatible `AllocateMessageQueueAveragely`. Every instance of a group computes its
 * own share from the same inputs, so the result is only a disjoint cover of the queues if
 * every instance sorts and divides exactly as the Java client does: queues sorted by
 * `MessageQueue.compareTo` (topic, broker name, queue id), consumer ids by `String.compareTo`,
 * the first `queues % consumers` consumers taking one extra queue, in contiguous blocks.
 * A harness that allocated differently would mis-predict what a mixed Java/Node group does.
 */
import { compareJava, compareQueues, type MessageQueueRef } from './message-queue.ts';

/**
 * The queues `currentCid` owns. Inputs need not be sorted (they are sorted here, as
 * `RebalanceImpl.rebalanceByTopic` does before calling the strategy). A consumer id missing
 * from `cidAll` gets nothing: Java logs "[BUG] ... not in cidAll" and returns an empty list,
 * which happens when this instance's heartbeat has not reached the broker yet.
 */
export function allocateAveragely(
  currentCid: string,
  mqAll: readonly MessageQueueRef[],
  cidAll: readonly string[],
): MessageQueueRef[] {
  if (currentCid === '') throw new Error('currentCID is empty');
  if (mqAll.length === 0 || cidAll.length === 0) return [];
  const queues = [...mqAll].sort(compareQueues);
  const cids = [...cidAll].sort(compareJava);
  const index = cids.indexOf(currentCid);
  if (index < 0) return [];

  const mod = queues.length % cids.length;
  const averageSize =
    queues.length <= cids.length
      ? 1
      : mod > 0 && index < mod
        ? Math.floor(queues.length / cids.length) + 1
        : Math.floor(queues.length / cids.length);
  const startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
  const range = Math.min(averageSize, queues.length - startIndex);
  const result: MessageQueueRef[] = [];
  for (let i = 0; i < range; i++) result.push(queues[startIndex + i]!);
  return result;
}
