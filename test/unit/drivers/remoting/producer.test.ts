import { afterEach, describe, expect, it } from 'vitest';
import { RemotingProducer } from '../../../../src/drivers/remoting/producer.ts';
import { SendFailedError } from '../../../../src/drivers/remoting/send-failed-error.ts';
import { MessageTooLargeError } from '../../../../src/drivers/remoting/message-too-large-error.ts';
import { sendErrorKey } from '../../../../src/fleet/producer-loop.ts';
import { RequestCode, ResponseCode, type RemotingCommand } from '../../../../src/protocol/index.ts';
import { parseProperties } from '../../../../src/drivers/remoting/message-decoder.ts';
import { FakeServer, type Responder } from '../../protocol/remoting/fake-server.ts';

const servers: FakeServer[] = [];
const producers: RemotingProducer[] = [];
afterEach(async () => {
  for (const p of producers.splice(0)) await p.close();
  for (const s of servers.splice(0)) await s.stop();
});

/** Two brokers with 2 write queues each behind a fake name server. */
async function cluster(a: Responder, b: Responder) {
  const brokerA = await new FakeServer(a).start();
  const brokerB = await new FakeServer(b).start();
  const namesrv = await new FakeServer((req) =>
    req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC
      ? {
          body: Buffer.from(
            JSON.stringify({
              brokerDatas: [
                { brokerName: 'broker-b', cluster: 'c', brokerAddrs: { 0: brokerB.addr } },
                { brokerName: 'broker-a', cluster: 'c', brokerAddrs: { 0: brokerA.addr } },
              ],
              queueDatas: [
                { brokerName: 'broker-b', perm: 6, readQueueNums: 2, writeQueueNums: 2 },
                { brokerName: 'broker-a', perm: 6, readQueueNums: 2, writeQueueNums: 2 },
              ],
            }),
          ),
        }
      : undefined,
  ).start();
  servers.push(brokerA, brokerB, namesrv);
  const producer = await RemotingProducer.start({
    namesrvAddr: namesrv.addr,
    group: 'pg',
    instanceName: 'unit',
    sendTimeoutMs: 1000,
  });
  producers.push(producer);
  return { brokerA, brokerB, producer };
}

const ok: Responder = (req) =>
  req.code === RequestCode.SEND_MESSAGE_V2
    ? { extFields: { queueId: req.extFields!['e']!, queueOffset: '7', msgId: 'X' } }
    : undefined;
const sends = (s: FakeServer): RemotingCommand[] => s.requests.filter((r) => r.code === RequestCode.SEND_MESSAGE_V2);
const message = {
  topic: 'T',
  tag: 'TagA',
  keys: ['k1', 'k2'],
  body: Buffer.from('hi'),
  properties: { run: 'r', seq: '1' },
};

describe('RemotingProducer', () => {
  it('round-robins over every writable queue of every broker and sends Java header fields', async () => {
    const { brokerA, brokerB, producer } = await cluster(ok, ok);
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await producer.send(message));
    const used = results.map((r) => `${r.brokerName}/${r.queueId}`);
    expect(new Set(used)).toEqual(new Set(['broker-a/0', 'broker-a/1', 'broker-b/0', 'broker-b/1']));
    expect(sends(brokerA)).toHaveLength(4);
    expect(sends(brokerB)).toHaveLength(4);
    const header = sends(brokerA)[0]!.extFields!;
    expect(header).toMatchObject({
      a: 'pg',
      b: 'T',
      c: 'TBW102',
      d: '4',
      f: '0',
      h: '0',
      j: '0',
      k: 'false',
      m: 'false',
      n: 'broker-a',
    });
    const props = parseProperties(header['i']!);
    expect(props).toMatchObject({ run: 'r', seq: '1', TAGS: 'TagA', KEYS: 'k1 k2', WAIT: 'true' });
    expect(props['UNIQ_KEY']).toMatch(/^[0-9A-F]{32}$/);
    expect(results[0]!.queueOffset).toBe(7);
    // SendResult.msgId is the client id the message carries (UNIQ_KEY), unique per send.
    const sentIds = [...sends(brokerA), ...sends(brokerB)].map((r) => parseProperties(r.extFields!['i']!)['UNIQ_KEY']);
    expect(new Set(results.map((r) => r.msgId))).toEqual(new Set(sentIds));
    expect(new Set(sentIds).size).toBe(8);
  });

  it('asks for a delay level with DELAY and for a 5.x timer with TIMER_DELAY_MS, as Java does', async () => {
    const { brokerA, brokerB, producer } = await cluster(ok, ok);
    await producer.send({ ...message, delayLevel: 3 });
    await producer.send({ ...message, deliverAfterMs: 2500 });
    const props = [...sends(brokerA), ...sends(brokerB)].map((r) => parseProperties(r.extFields!['i']!));
    const asked = props.map((p) => `${p['DELAY'] ?? '-'} ${p['TIMER_DELAY_MS'] ?? '-'}`).sort();
    expect(asked).toEqual(['- 2500', '3 -']);
  });

  it('retries a SYSTEM_BUSY broker on the other broker', async () => {
    const busy: Responder = () => ({ code: ResponseCode.SYSTEM_BUSY, remark: '[PCBUSY_CLEAN_QUEUE]broker busy' });
    const { brokerA, brokerB, producer } = await cluster(busy, ok);
    for (let i = 0; i < 4; i++) expect((await producer.send(message)).brokerName).toBe('broker-b');
    expect(sends(brokerB)).toHaveLength(4);
    expect(sends(brokerA).length).toBeLessThanOrEqual(4);
  });

  it('fails at once on a non-retryable code, carrying the broker code and remark', async () => {
    const illegal: Responder = () => ({ code: ResponseCode.MESSAGE_ILLEGAL, remark: 'the message is illegal' });
    const { brokerA, brokerB, producer } = await cluster(illegal, illegal);
    const err = await producer.send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendFailedError);
    expect((err as SendFailedError).responseCode).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect((err as SendFailedError).reason).toBe('broker:MESSAGE_ILLEGAL(13)');
    expect((err as SendFailedError).message).toMatch(/the message is illegal/);
    expect(sends(brokerA).length + sends(brokerB).length).toBe(1);
  });

  it('gives up after 1 + 2 attempts, alternating brokers, when every broker is busy', async () => {
    const busy: Responder = () => ({ code: ResponseCode.SYSTEM_BUSY, remark: 'busy' });
    const { brokerA, brokerB, producer } = await cluster(busy, busy);
    const err = (await producer.send(message).catch((e: unknown) => e)) as SendFailedError;
    expect(err.attempts.map((a) => a.brokerName)).toHaveLength(3);
    expect(err.attempts[0]!.brokerName).not.toBe(err.attempts[1]!.brokerName);
    expect(err.reason).toBe('broker:SYSTEM_BUSY(2)');
    expect(sends(brokerA).length + sends(brokerB).length).toBe(3);
  });

  it('times out within the send timeout when a broker never answers', async () => {
    const { producer } = await cluster(
      () => 'silent',
      () => 'silent',
    );
    const started = Date.now();
    const err = (await producer.send(message).catch((e: unknown) => e)) as SendFailedError;
    expect(err.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  describe('batch send', () => {
    const batchOk: Responder = (req) =>
      req.code === RequestCode.SEND_BATCH_MESSAGE
        ? { extFields: { queueId: req.extFields!['e']!, queueOffset: '40', msgId: 'A,B,C' } }
        : undefined;
    const batches = (s: FakeServer) => s.requests.filter((r) => r.code === RequestCode.SEND_BATCH_MESSAGE);
    /** The batch body's entries: [body, properties] of each (the layout batch-encoding.test.ts pins). */
    const entriesOf = (body: Buffer) => {
      const out: { body: string; properties: Record<string, string> }[] = [];
      for (let at = 0; at < body.length; ) {
        const total = body.readInt32BE(at);
        const bodyLength = body.readInt32BE(at + 16);
        const propsAt = at + 20 + bodyLength;
        out.push({
          body: body.subarray(at + 20, propsAt).toString(),
          properties: parseProperties(body.subarray(propsAt + 2, propsAt + 2 + body.readInt16BE(propsAt)).toString()),
        });
        at += total;
      }
      return out;
    };
    const three = ['m0', 'm1', 'm2'].map((b, i) => ({
      ...message,
      body: Buffer.from(b),
      properties: { seq: String(i) },
    }));

    it('sends one SEND_BATCH_MESSAGE per batch and gives each message its own id and offset', async () => {
      const { brokerA, brokerB, producer } = await cluster(batchOk, batchOk);
      const results = await producer.sendBatch(three);
      const requests = [...batches(brokerA), ...batches(brokerB)];
      expect(requests).toHaveLength(1);
      expect(requests[0]!.extFields).toMatchObject({ a: 'pg', b: 'T', m: 'true' });
      const entries = entriesOf(requests[0]!.body!);
      expect(entries.map((e) => e.body)).toEqual(['m0', 'm1', 'm2']);
      expect(entries.map((e) => e.properties['seq'])).toEqual(['0', '1', '2']);
      expect(entries[0]!.properties['TAGS']).toBe('TagA');
      expect(results.map((r) => r.queueOffset)).toEqual([40, 41, 42]);
      expect(results.map((r) => r.msgId)).toEqual(entries.map((e) => e.properties['UNIQ_KEY']));
      expect(new Set(results.map((r) => r.msgId)).size).toBe(3);
      expect(new Set(results.map((r) => `${r.brokerName}/${r.queueId}`)).size).toBe(1);
    });

    it('refuses a message body over 4 MiB before sending, as message-too-large', async () => {
      const { brokerA, brokerB, producer } = await cluster(batchOk, ok);
      const big = { ...message, body: Buffer.alloc(4 * 1024 * 1024 + 1, 1) };
      const single = await producer.send(big).catch((e: unknown) => e);
      expect(single).toBeInstanceOf(MessageTooLargeError);
      expect(sendErrorKey(single)).toBe('message-too-large');
      const batch = await producer.sendBatch([three[0]!, big]).catch((e: unknown) => e);
      expect(sendErrorKey(batch)).toBe('message-too-large');
      expect([...brokerA.requests, ...brokerB.requests]).toEqual([]);
    });

    it('refuses a batch whose encoded body is over 4 MiB though each message fits', async () => {
      const { producer } = await cluster(batchOk, batchOk);
      const half = { ...message, body: Buffer.alloc(2 * 1024 * 1024, 1) };
      const error = await producer.sendBatch([half, half]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MessageTooLargeError);
      expect(String(error)).toMatch(/batch body is \d+ bytes/);
    });

    it("counts the broker's MESSAGE_ILLEGAL answer by its code, without retrying", async () => {
      const illegal: Responder = (req) =>
        req.code === RequestCode.SEND_BATCH_MESSAGE
          ? { code: ResponseCode.MESSAGE_ILLEGAL, remark: 'too big' }
          : undefined;
      const { brokerA, brokerB, producer } = await cluster(illegal, illegal);
      const error = await producer.sendBatch(three).catch((e: unknown) => e);
      expect(sendErrorKey(error)).toBe('broker:MESSAGE_ILLEGAL(13)');
      expect(batches(brokerA).length + batches(brokerB).length).toBe(1);
    });
  });
});
