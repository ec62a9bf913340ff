/**
 * The remoting driver against a real 5.3.3 broker with authentication on (ACL 2.0: the local
 * metadata provider, one initial user): the harness's admin creates the topic and its producer
 * and consumer work when they sign with the user's keys, and the broker refuses requests that
 * are unsigned or signed with a wrong secret. Foundation for ACL plans (issue 20, part 7): the
 * signature itself is checked byte for byte against Java's in test/unit/protocol.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../src/drivers/driver.ts';
import { RemotingProducer, remotingDriver } from '../../src/drivers/remoting/index.ts';
import { startTestCluster, type TestCluster } from './support/cluster.ts';

const TOPIC = 'AclOrders';
const USER = { accessKey: 'rmqchaos', secretKey: 'not-a-real-secret-1' };

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({
    brokers: 1,
    topics: [{ name: TOPIC, queues: 2 }],
    brokerConfig: {
      authenticationEnabled: true,
      authenticationProvider: 'org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider',
      authenticationMetadataProvider:
        'org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider',
      initAuthenticationUser: JSON.stringify({ username: USER.accessKey, password: USER.secretKey }),
      innerClientAuthenticationCredentials: JSON.stringify(USER),
    },
    adminCredentials: USER,
  });
});

afterAll(async () => {
  await cluster?.[Symbol.asyncDispose]();
});

async function producerWith(credentials?: typeof USER) {
  return RemotingProducer.start({
    namesrvAddr: cluster.namesrvAddr,
    group: `acl-producers-${credentials ? credentials.secretKey.length : 0}`,
    instanceName: `acl-producer-${Math.random().toString(36).slice(2)}`,
    ...(credentials ? { credentials } : {}),
  });
}

describe('remoting driver on a broker with authentication on', () => {
  it('signed with the user, sends and consumes', async () => {
    const producer = await producerWith(USER);
    const received: ReceivedMessage[] = [];
    const consumer = await remotingDriver.createConsumer(
      {
        namesrvAddr: cluster.namesrvAddr,
        group: 'acl-consumers',
        instanceName: 'acl-consumer',
        model: 'clustering',
        subscriptions: [{ topic: TOPIC, expression: '*' }],
        credentials: USER,
      },
      (m) => {
        received.push(m);
        return 'success';
      },
    );
    for (let i = 0; i < 10; i++) await producer.send({ topic: TOPIC, body: Buffer.from(`m ${i}`), properties: {} });
    const deadline = Date.now() + 20_000;
    while (received.length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(10);
    await consumer.close();
    await producer.close();
  }, 40_000);

  it.each([
    ['unsigned', undefined],
    ['signed with a wrong secret', { ...USER, secretKey: 'wrong' }],
  ])(
    '%s, a send is refused by the broker',
    async (_, credentials) => {
      const producer = await producerWith(credentials);
      const error = await producer.send({ topic: TOPIC, body: Buffer.from('x'), properties: {} }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      await producer.close();
      expect(error?.message).toMatch(/failed/);
      // Never the secret in what a user sees.
      expect(error?.message).not.toContain(USER.secretKey);
    },
    30_000,
  );
});
