import { afterEach, describe, expect, it } from 'vitest';
import { RemotingProducer } from '../../../../src/drivers/remoting/producer.ts';
import { SendFailedError } from '../../../../src/drivers/remoting/send-failed-error.ts';
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
});
