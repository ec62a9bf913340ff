/**
 * Consumer offsets. Clustering keeps them on the broker that owns the queue
 * (Java's `RemoteBrokerOffsetStore`): QUERY_CONSUMER_OFFSET when a queue is taken,
 * UPDATE_CONSUMER_OFFSET every 5 s and when a queue is given up or the consumer closes, so the
 * next owner starts where this one stopped.
 *
 * Java sends the periodic commit oneway. We wait for its answer instead, and a closing commit
 * waits for the periodic one in flight: the broker handles UPDATE_CONSUMER_OFFSET on a thread
 * pool, so a oneway commit of an older offset sent just before the closing one could be applied
 * after it and move the group's offset back (seen here: a queue fully consumed reported lag 50
 * after a graceful close). The commit points are Java's; only that race is gone.
 * Broadcasting keeps them in memory per instance (Java writes a local file; a restarted
 * broadcasting instance here starts over, see `startOffsetWhenNotFound`).
 */
import type { MessageQueueRef } from '../driver.ts';
import type { ClientInstance } from './client-instance.ts';
import { RequestCode, ResponseCode, createRequest, expectCode, queueKey } from '../../protocol/index.ts';

/**
 * Where a queue starts when the group has no offset for it. Java's CONSUME_FROM_LAST_OFFSET
 * would start at the queue's max offset. The harness creates its topics fresh for every run,
 * and its consumers may start after the first sends, so "last" would skip messages the run
 * counts as sent: offset 0 is the first message of a fresh topic. (The 5.3.3 broker itself
 * answers 0 for a queue whose first message is still in memory, and QUERY_NOT_FOUND(22) for
 * an empty queue, where 0 is also the max offset: the two policies differ only on old topics.)
 */
export const startOffsetWhenNotFound = 0;

/**
 * FIRST_COMMIT_RACE: a 5.3.3 broker creates a group's offset table for a topic with a
 * check-then-put (`ConsumerOffsetManager.commitOffset`: get, and when null a new map put over
 * whatever another thread put meanwhile, per javap), and handles UPDATE_CONSUMER_OFFSET on a
 * thread pool: the first commits of a topic for a group, arriving together, overwrite each other
 * and all but one queue's offset is lost (seen here: two lite pull consumers closing 1 s after
 * their start, every commit answered SUCCESS, 3 of 4 queues uncommitted). Java's client sends
 * them together (oneway, in a loop); we send one client's one after another, each answered, so
 * a client does not race itself. Two clients' first commits can still meet, as in production.
 */
export class OffsetStore {
  private readonly table = new Map<string, { mq: MessageQueueRef; offset: number }>();
  /** The periodic commit being answered; a synchronous commit waits for it first. */
  private periodic: Promise<void> = Promise.resolve();

  constructor(
    private readonly instance: ClientInstance,
    private readonly group: string,
    private readonly model: 'CLUSTERING' | 'BROADCASTING',
  ) {}

  /** Increase-only, like Java's `updateOffset(mq, offset, increaseOnly=true)`. */
  update(mq: MessageQueueRef, offset: number): void {
    const entry = this.table.get(queueKey(mq));
    if (!entry) this.table.set(queueKey(mq), { mq, offset });
    else if (offset > entry.offset) entry.offset = offset;
  }

  /** Overwrites (OFFSET_MOVED: the broker says the offset we hold is out of range). */
  reset(mq: MessageQueueRef, offset: number): void {
    this.table.set(queueKey(mq), { mq, offset });
  }

  read(mq: MessageQueueRef): number | undefined {
    return this.table.get(queueKey(mq))?.offset;
  }

  /** The offset a newly assigned queue starts from. */
  async fetch(mq: MessageQueueRef): Promise<number> {
    if (this.model === 'BROADCASTING') return this.read(mq) ?? startOffsetWhenNotFound;
    const addr = this.addrOf(mq);
    const response = await this.instance.invoke(
      addr,
      createRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
        consumerGroup: this.group,
        topic: mq.topic,
        queueId: mq.queueId,
        bname: mq.brokerName,
      }),
    );
    expectCode(response, addr, RequestCode.QUERY_CONSUMER_OFFSET, [ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND]);
    const offset =
      response.code === ResponseCode.SUCCESS ? Number(response.extFields?.['offset'] ?? NaN) : startOffsetWhenNotFound;
    if (!Number.isFinite(offset) || offset < 0) return startOffsetWhenNotFound;
    this.reset(mq, offset);
    return offset;
  }

  /** Sends one queue's offset to its broker and waits for the answer. */
  async persist(mq: MessageQueueRef): Promise<void> {
    const offset = this.read(mq);
    if (this.model === 'BROADCASTING' || offset === undefined) return;
    await this.periodic;
    const addr = this.addrOf(mq);
    const response = await this.instance.invoke(addr, this.updateRequest(mq, offset));
    expectCode(response, addr, RequestCode.UPDATE_CONSUMER_OFFSET);
  }

  /**
   * The closing commit of each queue, answered; one that fails is tried once more and then
   * reported through `log` (a lost closing commit means the next owner consumes again from the
   * last periodic one). Java sends it once; the retry only narrows that window.
   */
  async persistOnClose(queues: readonly MessageQueueRef[], log?: (line: string) => void): Promise<void> {
    // One at a time (see FIRST_COMMIT_RACE).
    for (const mq of queues) {
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          await this.persist(mq);
          break;
        } catch (error) {
          if (attempt === 2)
            log?.(`closing offset commit of ${queueKey(mq)} failed twice: ${(error as Error).message}`);
        }
      }
    }
  }

  /** Periodic commit of the queues we own (Java's `persistAll`); forgets the others. */
  async persistAll(owned: readonly MessageQueueRef[]): Promise<void> {
    const keep = new Set(owned.map(queueKey));
    for (const key of [...this.table.keys()]) if (!keep.has(key)) this.table.delete(key);
    if (this.model === 'BROADCASTING') return;
    const commits = owned.flatMap((mq) => {
      const offset = this.read(mq);
      return offset === undefined ? [] : [{ mq, offset }];
    });
    const round = this.periodic.then(async () => {
      // One at a time (see FIRST_COMMIT_RACE).
      for (const { mq, offset } of commits) {
        try {
          const addr = this.addrOf(mq);
          expectCode(
            await this.instance.invoke(addr, this.updateRequest(mq, offset)),
            addr,
            RequestCode.UPDATE_CONSUMER_OFFSET,
          );
        } catch {
          // Next round retries; the pull's commitOffset also carries the offset to the broker.
        }
      }
    });
    this.periodic = round;
    await round;
  }

  remove(mq: MessageQueueRef): void {
    this.table.delete(queueKey(mq));
  }

  private updateRequest(mq: MessageQueueRef, offset: number) {
    return createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
      consumerGroup: this.group,
      topic: mq.topic,
      queueId: mq.queueId,
      commitOffset: offset,
      bname: mq.brokerName,
    });
  }

  private addrOf(mq: MessageQueueRef): string {
    return this.instance.requireMaster(mq.brokerName, RequestCode.UPDATE_CONSUMER_OFFSET);
  }
}
