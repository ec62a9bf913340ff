import { describe, expect, it } from 'vitest';
import {
  parseReceiptHandle,
  toReceivedMessage,
  type MessageViewLike,
} from '../../../../src/drivers/grpc/received-message.ts';

// Handles as the 5.3.3 proxy sent them (first delivery, then a redelivery from the retry topic).
const FIRST = '0 1795625946710 10000 0 0 broker-a 2 5 7545';
const REDELIVERED = '0 1795626253087 10000 6 1 broker-a 0 1 36537';

describe('receipt handles', () => {
  it('reads broker, queue and offset of a first delivery', () => {
    expect(parseReceiptHandle(FIRST)).toEqual({
      retrieveTime: 1795625946710,
      invisibleTime: 10000,
      fromRetryTopic: false,
      brokerName: 'broker-a',
      queueId: 2,
      offset: 5,
    });
  });

  it("marks a message popped from the retry topic (its queue and offset are the retry topic's)", () => {
    expect(parseReceiptHandle(REDELIVERED)).toMatchObject({ fromRetryTopic: true, queueId: 0, offset: 1 });
  });

  it('accepts the 8-field form without commit log offset and rejects other shapes', () => {
    expect(parseReceiptHandle('0 1 2 3 0 broker-b 1 9')).toMatchObject({
      brokerName: 'broker-b',
      queueId: 1,
      offset: 9,
    });
    expect(parseReceiptHandle('')).toBeUndefined();
    expect(parseReceiptHandle('0 1 2 3 0 broker-b x 9')).toBeUndefined();
    expect(parseReceiptHandle('not a handle')).toBeUndefined();
  });
});

function view(overrides: Partial<MessageViewLike> = {}): MessageViewLike {
  return {
    messageId: '0102FC000000012C550B18ADDA00000000',
    topic: 'T',
    tag: 'TagA',
    keys: ['p:1'],
    body: Buffer.from('hello'),
    properties: new Map([['rmqchaos_seq', '1']]),
    bornTimestamp: new Date(1_700_000_000_123),
    deliveryAttempt: 1,
    offset: 5,
    receiptHandle: FIRST,
    ...overrides,
  };
}

describe('toReceivedMessage', () => {
  it("maps a MessageView to the driver's ReceivedMessage", () => {
    expect(toReceivedMessage(view())).toEqual({
      msgId: '0102FC000000012C550B18ADDA00000000',
      topic: 'T',
      tag: 'TagA',
      keys: ['p:1'],
      brokerName: 'broker-a',
      queueId: 2,
      queueOffset: 5,
      body: Buffer.from('hello'),
      properties: { rmqchaos_seq: '1' },
      bornTimestamp: 1_700_000_000_123,
      storeTimestamp: 0,
      reconsumeTimes: 0,
    });
  });

  it('counts reconsumeTimes from the delivery attempt', () => {
    expect(toReceivedMessage(view({ deliveryAttempt: 3, receiptHandle: REDELIVERED })).reconsumeTimes).toBe(2);
    expect(toReceivedMessage(view({ deliveryAttempt: undefined })).reconsumeTimes).toBe(0);
  });

  it('leaves out an empty tag and empty keys (protobuf sends "" and [] for absent ones)', () => {
    const message = toReceivedMessage(view({ tag: '', keys: [] }));
    expect(message).not.toHaveProperty('tag');
    expect(message).not.toHaveProperty('keys');
  });

  it("falls back to the handle's offset, and to unknowns when the handle does not parse", () => {
    expect(toReceivedMessage(view({ offset: undefined })).queueOffset).toBe(5);
    expect(toReceivedMessage(view({ offset: undefined, receiptHandle: 'opaque' }))).toMatchObject({
      brokerName: '',
      queueId: -1,
      queueOffset: -1,
    });
    expect(toReceivedMessage(view({ bornTimestamp: undefined })).bornTimestamp).toBe(0);
  });
});
