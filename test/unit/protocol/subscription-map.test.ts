import { describe, expect, it } from 'vitest';
import { SubscriptionMapSchema, subscriptionMap, subscriptionsOf } from '../../../src/protocol/index.ts';
import { createGrpcDriver } from '../../../src/drivers/grpc/index.ts';
import { UsageError } from '../../../src/util/errors.ts';

describe('subscription maps with SQL92', () => {
  const map = { orders: { sql: "a > 5 AND region = 'eu'" }, audit: 'TagA || TagB' };

  it('carries {sql} as a SQL92 subscription and back', () => {
    const subs = subscriptionsOf(map);
    expect(subs).toEqual([
      { topic: 'orders', expression: "a > 5 AND region = 'eu'", type: 'SQL92' },
      { topic: 'audit', expression: 'TagA || TagB' },
    ]);
    expect(subscriptionMap(subs)).toEqual(map);
    expect(SubscriptionMapSchema.parse(map)).toEqual(map);
    expect(SubscriptionMapSchema.safeParse({ orders: { sql: 'a > 5', tags: 'x' } }).success).toBe(false);
  });

  it('the grpc driver refuses a SQL92 subscription instead of subscribing a tag named after it', async () => {
    const driver = createGrpcDriver();
    const options = {
      namesrvAddr: '127.0.0.1:1',
      group: 'g',
      instanceName: 'c#0',
      model: 'clustering',
      subscriptions: subscriptionsOf(map),
    } as unknown as Parameters<typeof driver.createConsumer>[0];
    await expect(driver.createConsumer(options, async () => 'ok' as never)).rejects.toThrow(UsageError);
    await expect(driver.createConsumer(options, async () => 'ok' as never)).rejects.toThrow(/protocol remoting/);
  });
});
