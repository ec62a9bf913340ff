import type { OutgoingMessage, ReceivedMessage } from '../drivers/driver.ts';
import { IDENTITY } from './protocol.ts';

/** The key a message is sent with (one key: KEYS holds exactly this), e.g. `orders#0:41`. */
export function messageKey(producerId: string, seq: number): string {
  return `${producerId}:${seq}`;
}

/** Builds message `seq` of a producer: identity in properties and key, body padded to size. */
export function buildMessage(
  runId: string,
  producerId: string,
  seq: number,
  topic: string,
  size: number,
  tag: string | undefined,
): OutgoingMessage {
  const header = `${runId}|${producerId}|${seq}|`;
  const body = Buffer.alloc(Math.max(size, header.length), 0x2e);
  body.write(header, 'utf8');
  return {
    topic,
    ...(tag ? { tag } : {}),
    keys: [messageKey(producerId, seq)],
    body,
    properties: { [IDENTITY.run]: runId, [IDENTITY.producer]: producerId, [IDENTITY.seq]: String(seq) },
  };
}

export interface MessageIdentity {
  runId: string;
  producerId: string;
  seq: number;
}

/** Reads identity back; undefined for messages this harness did not send. */
export function readIdentity(message: Pick<ReceivedMessage, 'properties'>): MessageIdentity | undefined {
  const runId = message.properties[IDENTITY.run];
  const producerId = message.properties[IDENTITY.producer];
  const seq = Number(message.properties[IDENTITY.seq]);
  if (!runId || !producerId || !Number.isInteger(seq) || seq < 0) return undefined;
  return { runId, producerId, seq };
}
