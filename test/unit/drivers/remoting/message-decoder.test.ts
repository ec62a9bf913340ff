import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  MessageSysFlag,
  decodeMessages,
  formatProperties,
  parseProperties,
} from '../../../../src/drivers/remoting/message-decoder.ts';
import { toReceived } from '../../../../src/drivers/remoting/consume-service.ts';
import { ProcessQueue } from '../../../../src/drivers/remoting/process-queue.ts';

interface SentMessage {
  msgId: string;
  queueOffset: number;
  tag?: string;
  keys?: string[];
  body: string;
  properties: Record<string, string>;
}
interface PullFixture {
  bodyBase64: string;
  sent?: SentMessage[];
  original?: SentMessage;
}
const fixture = (name: string): PullFixture =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/remoting/${name}`, import.meta.url), 'utf8')) as PullFixture;

/** Builds one record in the broker's store format, for the variants the live broker did not produce. */
function storeRecord(o: {
  v2?: boolean;
  bornV6?: boolean;
  storeV6?: boolean;
  sysFlag?: number;
  body: Buffer;
  topic: string;
  properties: string;
  queueOffset?: number;
}): Buffer {
  const host = (v6: boolean, port: number): Buffer => {
    const b = Buffer.alloc(v6 ? 20 : 8);
    if (v6) {
      b.writeUInt16BE(0xfe80, 0);
      b.writeUInt16BE(0x1, 14);
      b.writeInt32BE(port, 16);
    } else {
      b.set([10, 1, 2, 3]);
      b.writeInt32BE(port, 4);
    }
    return b;
  };
  const sysFlag =
    (o.sysFlag ?? 0) | (o.bornV6 ? MessageSysFlag.BORNHOST_V6 : 0) | (o.storeV6 ? MessageSysFlag.STOREHOST_V6 : 0);
  const topic = Buffer.from(o.topic);
  const props = Buffer.from(o.properties);
  const head = Buffer.alloc(36);
  head.writeInt32BE(o.v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1, 4);
  head.writeInt32BE(12345, 8); // body CRC (not checked by clients)
  head.writeInt32BE(3, 12); // queue id
  head.writeInt32BE(0, 16); // flag
  head.writeBigInt64BE(BigInt(o.queueOffset ?? 41), 20);
  head.writeBigInt64BE(123456789n, 28); // commit log offset
  const mid = Buffer.alloc(12);
  mid.writeInt32BE(sysFlag, 0);
  mid.writeBigInt64BE(1700000000000n, 4);
  const stamps = Buffer.alloc(8);
  stamps.writeBigInt64BE(1700000000100n, 0);
  const tail = Buffer.alloc(16);
  tail.writeInt32BE(2, 0); // reconsume times
  tail.writeInt32BE(o.body.length, 12);
  const topicLen = Buffer.alloc(o.v2 ? 2 : 1);
  if (o.v2) topicLen.writeInt16BE(topic.length, 0);
  else topicLen.writeInt8(topic.length, 0);
  const propsLen = Buffer.alloc(2);
  propsLen.writeInt16BE(props.length, 0);
  const record = Buffer.concat([
    head,
    mid,
    host(!!o.bornV6, 50000),
    stamps,
    host(!!o.storeV6, 10911),
    tail,
    o.body,
    topicLen,
    topic,
    propsLen,
    props,
  ]);
  record.writeInt32BE(record.length, 0);
  return record;
}

describe('message decoder', () => {
  it('decodes a pull body captured from a live broker back to what was sent', () => {
    const { bodyBase64, sent } = fixture('pull-body.json');
    const messages = decodeMessages(Buffer.from(bodyBase64, 'base64'));
    expect(messages).toHaveLength(sent!.length);
    const pq = new ProcessQueue({ topic: 'FixPull', brokerName: 'broker-a', queueId: 0 }, 0);
    messages.forEach((stored, i) => {
      const want = sent![i]!;
      expect(stored.magicVersion).toBe(1);
      expect(stored.storeHost).toBe('127.0.0.1:30911');
      expect(stored.offsetMsgId).toMatch(/^7F000001000078BF[0-9A-F]{16}$/);
      const got = toReceived(stored, pq);
      expect(got.msgId).toBe(want.msgId);
      expect(got.queueOffset).toBe(want.queueOffset);
      expect(got.body.toString('utf8')).toBe(want.body);
      expect(got.tag).toBe(want.tag);
      expect(got.keys).toEqual(want.keys);
      expect(got.properties).toMatchObject(want.properties);
      expect(got.reconsumeTimes).toBe(0);
      expect(got.storeTimestamp).toBeGreaterThanOrEqual(got.bornTimestamp);
    });
  });

  it('decodes a redelivery from the retry topic with the original topic restored', () => {
    const { bodyBase64, original } = fixture('pull-body-retry.json');
    const [stored] = decodeMessages(Buffer.from(bodyBase64, 'base64'));
    expect(stored!.topic).toBe('%RETRY%FixPullGroup');
    expect(stored!.reconsumeTimes).toBe(1);
    const got = toReceived(
      stored!,
      new ProcessQueue({ topic: '%RETRY%FixPullGroup', brokerName: 'broker-a', queueId: 0 }, 0),
    );
    expect(got.topic).toBe('FixPull');
    expect(got.msgId).toBe(original!.msgId);
    expect(got.tag).toBe('TagA');
    expect(got.properties['ORIGIN_MESSAGE_ID']).toMatch(/^7F000001000078BF/);
  });

  it('decodes v2 magic (2-byte topic length), IPv6 hosts and zlib-compressed bodies', () => {
    const body = Buffer.from('x'.repeat(500));
    const topic = `%RETRY%${'g'.repeat(140)}`;
    const record = storeRecord({
      v2: true,
      bornV6: true,
      storeV6: true,
      sysFlag: MessageSysFlag.COMPRESSED | (3 << 8),
      body: zlib.deflateSync(body),
      topic,
      properties: 'TAGS\u0001T\u0002',
    });
    const [m] = decodeMessages(record);
    expect(m!.magicVersion).toBe(2);
    expect(m!.topic).toBe(topic);
    expect(m!.body.equals(body)).toBe(true);
    expect(m!.sysFlag & MessageSysFlag.COMPRESSED).toBe(0);
    expect(m!.bornHost).toBe('[fe80:0:0:0:0:0:0:1]:50000');
    expect(m!.storeHost).toBe('[fe80:0:0:0:0:0:0:1]:10911');
    expect(m!.offsetMsgId).toHaveLength(56); // 16-byte ip + port + offset, as Java's IPv6 ids
    expect(m!.reconsumeTimes).toBe(2);
  });

  it('decodes several records in one body and rejects a truncated one', () => {
    const a = storeRecord({ body: Buffer.from('a'), topic: 'T', properties: '', queueOffset: 1 });
    const b = storeRecord({ body: Buffer.from('b'), topic: 'T', properties: 'K\u0001V\u0002', queueOffset: 2 });
    expect(decodeMessages(Buffer.concat([a, b])).map((m) => [m.queueOffset, m.body.toString(), m.properties])).toEqual([
      [1, 'a', {}],
      [2, 'b', { K: 'V' }],
    ]);
    expect(() => decodeMessages(Buffer.concat([a, b.subarray(0, 20)]))).toThrow(/claims/);
    expect(() => decodeMessages(Buffer.from([0, 0, 0, 8, 1, 2, 3, 4]))).toThrow(/bad magic/);
  });

  it('rejects LZ4 bodies it cannot inflate with a clear error', () => {
    const record = storeRecord({
      sysFlag: MessageSysFlag.COMPRESSED | (1 << 8),
      body: Buffer.from('zz'),
      topic: 'T',
      properties: '',
    });
    expect(() => decodeMessages(record)).toThrow(/LZ4/);
  });

  it('round-trips properties and skips malformed pairs like Java', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/[\u0001\u0002]/.test(s)),
          fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\u0001\u0002]/.test(s)),
        ),
        (props) => {
          expect(parseProperties(formatProperties(props))).toEqual(props);
        },
      ),
    );
    // Java skips a pair with an empty name or value, and anything shorter than "n\u0001v".
    expect(parseProperties('a\u0001\u0002\u0001b\u0002ok\u0001yes')).toEqual({ ok: 'yes' });
    expect(() => formatProperties({ bad: 'x\u0002y' })).toThrow(/separator/);
  });
});
