import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { objectKey, parseLenientJson, stringifyFastjson } from '../../../../src/protocol/remoting/lenient-json.ts';
import { ClusterInfoSchema, TopicRouteSchema, parseBody } from '../../../../src/protocol/remoting/route.ts';

/** Bodies captured from a live RocketMQ 5.3.3 namesrv + broker (see test/fixtures/remoting/README.md). */
const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/remoting/${name}`, import.meta.url), 'utf8');

describe('lenient JSON', () => {
  it('parses cluster info with unquoted numeric map keys', () => {
    const text = fixture('cluster-info.txt');
    expect(() => JSON.parse(text)).toThrow();
    const info = parseBody(ClusterInfoSchema, Buffer.from(text), 'cluster info');
    expect(info.brokerAddrTable['broker-a']?.brokerAddrs['0']).toBe('127.0.0.1:30911');
    expect(info.clusterAddrTable['rmqchaos']).toEqual(['broker-a']);
  });

  it('parses a topic route (which the name server writes with quoted keys)', () => {
    const route = parseBody(TopicRouteSchema, Buffer.from(fixture('route.txt')), 'route');
    expect(route.queueDatas).toEqual([
      { brokerName: 'broker-a', perm: 6, readQueueNums: 4, topicSysFlag: 0, writeQueueNums: 4 },
    ]);
    expect(route.brokerDatas[0]?.brokerAddrs).toEqual({ '0': '127.0.0.1:30911' });
  });

  it('parses consume stats whose map keys are whole objects', () => {
    const stats = parseLenientJson(fixture('consume-stats.txt')) as {
      offsetTable: Record<string, { brokerOffset: number; consumerOffset: number }>;
    };
    const entries = Object.entries(stats.offsetTable).map(([k, v]) => [objectKey(k), v] as const);
    expect(entries).toHaveLength(4);
    const q1 = entries.find(([k]) => (k as { queueId: number }).queueId === 1);
    expect(q1?.[0]).toEqual({ brokerName: 'broker-a', queueId: 1, topic: 'FixT' });
    expect(q1?.[1]).toMatchObject({ brokerOffset: 1, consumerOffset: 1 });
  });

  it('parses the consumer connection list and consumer id list', () => {
    const conn = parseLenientJson(fixture('consumer-connection.txt')) as Record<string, unknown>;
    expect(conn['messageModel']).toBe('CLUSTERING');
    expect((conn['connectionSet'] as { clientId: string }[])[0]?.clientId).toBe('127.0.0.1@probe');
    expect(parseLenientJson(fixture('consumer-list.txt'))).toEqual({ consumerIdList: ['127.0.0.1@probe'] });
  });

  it('tolerates single quotes, trailing commas, number suffixes and escapes', () => {
    expect(parseLenientJson('{\'a\':1L,b:[1,2,],"c":"x\\u0041\\n",}')).toEqual({ a: 1, b: [1, 2], c: 'xA\n' });
    expect(parseLenientJson('{-1:true,2.5:null}')).toEqual({ '-1': true, '2.5': null });
  });

  it('reports where it failed', () => {
    expect(() => parseLenientJson('{"a":1')).toThrow(/position 6/);
    expect(() => parseLenientJson('[1 2]')).toThrow(/expected ','/);
    expect(() => parseLenientJson('{} x')).toThrow(/trailing/);
  });

  it('writes object-keyed maps the way fastjson reads them, and reads them back', () => {
    const mq = { brokerName: 'broker-a', queueId: 3, topic: 'T' };
    const text = stringifyFastjson({ mqTable: new Map([[mq, { commitOffset: 5 }]]), n: 1.5, s: 'q"' });
    expect(text).toBe(
      '{"mqTable":{{"brokerName":"broker-a","queueId":3,"topic":"T"}:{"commitOffset":5}},"n":1.5,"s":"q\\""}',
    );
    const back = parseLenientJson(text) as { mqTable: Record<string, unknown> };
    expect(Object.keys(back.mqTable).map(objectKey)).toEqual([mq]);
  });
});
