/**
 * For the producer-loop tests: a driver whose producer stores every message at consecutive
 * offsets (and refuses bodies over `limit`, as the remoting producer does), and a producer
 * config that only `maxMessages` ends, with room for a loaded machine (no dropped sends, no
 * running out of time: the tests' counts are exact).
 */
import type { ClientDriver, OutgoingMessage, Producer, SendResult } from '../../../src/drivers/driver.ts';
import { MessageTooLargeError } from '../../../src/drivers/remoting/message-too-large-error.ts';
import type { ProducerConfig } from '../../../src/fleet/protocol.ts';

export function fakeDriver(limit = Number.POSITIVE_INFINITY) {
  const requests: number[] = [];
  const sent: OutgoingMessage[] = [];
  let offset = 0;
  const store = (messages: readonly OutgoingMessage[]): SendResult[] => {
    requests.push(messages.length);
    sent.push(...messages);
    const tooBig = messages.find((m) => m.body.length > limit);
    if (tooBig) throw new MessageTooLargeError(tooBig.body.length, limit, 'message body');
    return messages.map((m) => ({ msgId: m.keys![0]!, brokerName: 'b', queueId: 0, queueOffset: offset++ }));
  };
  const producer: Producer = {
    send: async (m) => store([m])[0]!,
    sendBatch: async (ms) => store(ms),
    close: async () => {},
  };
  const driver: ClientDriver = {
    name: 'fake',
    createProducer: async () => producer,
    createConsumer: async () => {
      throw new Error('not used');
    },
  };
  return { driver, requests, sent };
}

export const producerConfig = (over: Partial<ProducerConfig> = {}): ProducerConfig => ({
  runId: 'r',
  driver: 'remoting',
  namesrvAddr: '127.0.0.1:1',
  routeRefreshMs: 30_000,
  group: 'g',
  fleet: 'f',
  producerId: 'f#0',
  topic: 'T',
  executor: { kind: 'constant', ratePerSecond: 2000 },
  messageSize: 64,
  tags: [],
  maxMessages: 200,
  durationMs: 20_000,
  seed: 1,
  maxInFlight: 1000,
  sendMode: 'async',
  ...over,
});
