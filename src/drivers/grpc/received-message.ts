/**
 * Turns what the 1.0.8 client hands a consumer (its MessageView) into the driver's
 * ReceivedMessage. The MessageView drops the broker coordinates the proxy sends (queue id,
 * store timestamp), so they come from the receipt handle instead, which the broker builds as
 * (org.apache.rocketmq.common.consumer.ReceiptHandle, 5.x):
 *
 *   startOffset retrieveTime invisibleTime reviveQueueId topicType brokerName queueId offset [commitLogOffset]
 *
 * separated by single spaces. topicType is "0" for the topic itself and "1"/"2" for the
 * group's retry topic, where a message lives after a nack: its queue id and offset are then
 * the retry topic's, not the original ones (the topic name is the original one either way).
 */
import type { ReceivedMessage } from '../driver.ts';

export interface ReceiptHandleInfo {
  retrieveTime: number;
  invisibleTime: number;
  /** true when the message was popped from %RETRY%<group>_<topic> (a redelivery). */
  fromRetryTopic: boolean;
  brokerName: string;
  queueId: number;
  offset: number;
}

/** Parses a pop receipt handle; undefined when it does not have the 5.x shape. */
export function parseReceiptHandle(handle: string): ReceiptHandleInfo | undefined {
  const parts = handle.split(' ');
  if (parts.length < 8) return undefined;
  const numbers = [parts[1], parts[2], parts[6], parts[7]].map(Number);
  if (numbers.some((n) => !Number.isFinite(n))) return undefined;
  const [retrieveTime, invisibleTime, queueId, offset] = numbers as [number, number, number, number];
  return { retrieveTime, invisibleTime, fromRetryTopic: parts[4] !== '0', brokerName: parts[5] ?? '', queueId, offset };
}

/** The MessageView fields the conversion reads (the library's class satisfies this structurally). */
export interface MessageViewLike {
  readonly messageId: string;
  readonly topic: string;
  readonly tag?: string;
  readonly keys: string[];
  readonly body: Buffer;
  readonly properties: Map<string, string>;
  readonly bornTimestamp?: Date;
  readonly deliveryAttempt?: number;
  readonly offset?: number;
  readonly receiptHandle: string;
}

export function toReceivedMessage(view: MessageViewLike): ReceivedMessage {
  const handle = parseReceiptHandle(view.receiptHandle);
  const message: ReceivedMessage = {
    msgId: view.messageId,
    topic: view.topic,
    brokerName: handle?.brokerName ?? '',
    queueId: handle?.queueId ?? -1,
    queueOffset: view.offset ?? handle?.offset ?? -1,
    body: view.body,
    properties: Object.fromEntries(view.properties),
    bornTimestamp: view.bornTimestamp?.getTime() ?? 0,
    // Not available: MessageView (1.0.8) drops system_properties.store_timestamp.
    storeTimestamp: 0,
    // deliveryAttempt counts from 1; the Java notion (reconsumeTimes) from 0.
    reconsumeTimes: Math.max(0, (view.deliveryAttempt ?? 1) - 1),
  };
  // Protobuf strings default to "": an absent tag arrives as an empty one.
  if (view.tag) message.tag = view.tag;
  if (view.keys.length > 0) message.keys = [...view.keys];
  return message;
}
