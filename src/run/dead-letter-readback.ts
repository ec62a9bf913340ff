/**
 * Reads each dead-letter group's `%DLQ%<group>` back after the drain, so the ledger counts what
 * the broker dead-lettered from the broker's own store, not from what the consumers said they
 * did. The broker creates the DLQ topic on first use with one queue (queue 0) and read and write
 * permission (5.3.3 and 4.9.7 alike, `createTopicInSendMessageBackMethod` with PERM_WRITE |
 * PERM_READ), so a plain pull reads it: from offset 0 on every master, with a subscription of
 * its own (no consumer of the reader group need exist), committing nothing.
 *
 * A message's last send-back reaches the DLQ a moment after its receipt, so the read repeats
 * (from where it stopped) until every message sent back for the last time is found, or the
 * time is up; what is still missing then is lost.
 */
import { decodeMessages } from '../drivers/remoting/message-decoder.ts';
import { readIdentity } from '../fleet/identity.ts';
import { DLQ_GROUP_TOPIC_PREFIX, type RemotingAdmin, ResponseCode } from '../protocol/index.ts';
import { sleep } from '../util/sleep.ts';
import { groupOfScope, type Measurements } from './measurements.ts';
import type { DeadLetterReadBack } from '../metrics/dead-letters.ts';

/** The group the harness pulls DLQs as: never a consumer, only a name on the pull request. */
export const DLQ_READER_GROUP = 'rmqchaos-dlq-reader';

const PULL_BATCH = 32;
const ROUND_PAUSE_MS = 500;

export async function readBackDeadLetters(
  admin: RemotingAdmin,
  measurements: Measurements,
  runId: string,
  scopes: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<DeadLetterReadBack[]> {
  const masters = await admin.masterAddrs();
  const deadline = Date.now() + timeoutMs;
  const results: DeadLetterReadBack[] = [];
  for (const scope of scopes) {
    const group = groupOfScope(scope);
    const topic = `${DLQ_GROUP_TOPIC_PREFIX}${group}`;
    const result: DeadLetterReadBack = { group, topic, read: 0, foreign: 0, brokers: [], awaited: 0, errors: [] };
    const offsets = new Map(masters.map((m) => [m.brokerName, 0]));
    for (;;) {
      result.errors = [];
      for (const { brokerName, addr } of masters) {
        const from = offsets.get(brokerName) ?? 0;
        const reached = await readQueue(admin, addr, topic, from, (properties, offset) => {
          const identity = readIdentity({ properties });
          if (!identity || identity.runId !== runId) result.foreign++;
          else {
            result.read++;
            measurements.deadLettered(scope, identity.producerId, identity.seq, brokerName, offset);
          }
        }).catch((err: unknown) => {
          result.errors.push(`${brokerName}: ${(err as Error).message}`);
          return from;
        });
        offsets.set(brokerName, reached);
      }
      result.awaited = measurements.ledger.deadLettersAwaited(scope);
      if (result.awaited === 0 || Date.now() >= deadline || signal?.aborted) break;
      await sleep(ROUND_PAUSE_MS, signal).catch(() => undefined);
    }
    result.brokers = [...offsets].map(([brokerName, offset]) => ({ brokerName, offset }));
    measurements.ledger.markDeadLettersReadBack(scope);
    results.push(result);
  }
  return results;
}

/**
 * Pulls queue 0 of `topic` from `from` to its end, handing over each message's properties and offset;
 * returns the end.
 */
async function readQueue(
  admin: RemotingAdmin,
  addr: string,
  topic: string,
  from: number,
  visit: (properties: Record<string, string>, offset: number) => void,
): Promise<number> {
  let offset = from;
  for (;;) {
    const response = await admin.pullOnce(addr, {
      group: DLQ_READER_GROUP,
      topic,
      queueId: 0,
      offset,
      maxMsgNums: PULL_BATCH,
    });
    const next = Number.isFinite(response.nextBeginOffset) ? response.nextBeginOffset : offset;
    if (response.code === ResponseCode.SUCCESS) {
      const messages = decodeMessages(response.body);
      for (const message of messages) visit(message.properties, message.queueOffset);
      if (next <= offset) return offset;
      offset = next;
      continue;
    }
    // No topic on this broker yet, or nothing past `offset`: the queue ends here.
    if (
      response.code === ResponseCode.PULL_NOT_FOUND ||
      response.code === ResponseCode.PULL_RETRY_IMMEDIATELY ||
      response.code === ResponseCode.TOPIC_NOT_EXIST
    )
      return response.code === ResponseCode.TOPIC_NOT_EXIST ? offset : Math.max(offset, next);
    if (response.code === ResponseCode.PULL_OFFSET_MOVED && next > offset) {
      offset = next;
      continue;
    }
    throw new Error(`PULL_MESSAGE ${topic} answered code ${response.code}`);
  }
}
