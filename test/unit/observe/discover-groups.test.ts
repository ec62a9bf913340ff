import { describe, expect, it } from 'vitest';
import {
  RemotingConnectError,
  RemotingResponseError,
  RequestCode,
  ResponseCode,
  type ConsumerConnection,
  type RemotingAdmin,
} from '../../../src/protocol/index.ts';
import { discoverGroups, isSystemGroup } from '../../../src/observe/discover-groups.ts';

describe('isSystemGroup', () => {
  it.each([
    'TOOLS_CONSUMER',
    'FILTERSRV_CONSUMER',
    'SELF_TEST_C_GROUP',
    'CID_ONS-HTTP-PROXY',
    'CID_ONSAPI_PULL',
    'CID_ONSAPI_OWNER',
    'CID_ONSAPI_PERMISSION',
    'CID_RMQ_SYS_TRANS',
    'CID_RMQ_SYS_REVIVE_GROUP',
    'CID_DefaultHeartBeatSyncerTopic',
    'DEFAULT_CONSUMER',
    'SCHEDULE_CONSUMER',
    '__MONITOR_CONSUMER',
    '%RETRY%billing',
    '%DLQ%billing',
  ])("%s is RocketMQ's own", (group) => expect(isSystemGroup(group)).toBe(true));
  it.each(['billing', 'GID_orders', 'CID_orders', 'tools_consumer_app', 'my-TOOLS_CONSUMER'])(
    '%s is a user group',
    (group) => expect(isSystemGroup(group)).toBe(false),
  );
});

describe('discoverGroups', () => {
  const A = '10.0.0.1:10911';
  const B = '10.0.0.2:10911';
  const online = (n: number): ConsumerConnection => ({
    connectionSet: Array.from({ length: n }, (_, i) => ({
      clientId: `c${i}`,
      clientAddr: 'x:1',
      language: 'JAVA',
      version: 1,
    })),
    subscriptionTable: {},
  });
  const notOnline = (addr: string) =>
    new RemotingResponseError(
      ResponseCode.CONSUMER_NOT_ONLINE,
      'not online',
      addr,
      RequestCode.GET_CONSUMER_CONNECTION_LIST,
    );

  it('keeps non-system groups with a consumer on some master, and reports a master that fails', async () => {
    const admin = {
      masterAddrs: async () => [
        { brokerName: 'broker-a', addr: A },
        { brokerName: 'broker-b', addr: B },
      ],
      allSubscriptionGroups: async (addr: string) =>
        addr === A ? ['TOOLS_CONSUMER', 'billing', 'idle', 'CID_RMQ_SYS_TRANS'] : ['orders', 'billing'],
      consumerConnections: async (addr: string, group: string) => {
        if (group === 'billing' && addr === B) return online(2);
        if (group === 'orders' && addr === B) return online(1);
        if (group === 'idle' && addr === B) throw new RemotingConnectError(B, new Error('refused'));
        if (group === 'TOOLS_CONSUMER' || group === 'CID_RMQ_SYS_TRANS')
          throw new Error('system groups must not be asked about');
        throw notOnline(addr);
      },
    } as unknown as RemotingAdmin;
    const found = await discoverGroups(admin);
    expect(found.groups).toEqual(['billing', 'orders']);
    expect(found.known).toEqual(['CID_RMQ_SYS_TRANS', 'TOOLS_CONSUMER', 'billing', 'idle', 'orders']);
    expect(found.errors).toEqual(['broker-b/idle consumer connections: cannot connect to 10.0.0.2:10911: refused']);
  });

  it('finds a pop group through a given proxy (the brokers know it from its pops but list no client)', async () => {
    const P = '10.0.0.9:8080';
    const admin = {
      masterAddrs: async () => [{ brokerName: 'broker-a', addr: A }],
      allSubscriptionGroups: async () => ['billing', 'pop-billing', 'gone'],
      consumerConnections: async (addr: string, group: string) => {
        if (group === 'billing' && addr === A) return online(1);
        if (group === 'pop-billing' && addr === P) return online(2);
        throw notOnline(addr);
      },
    } as unknown as RemotingAdmin;
    expect((await discoverGroups(admin)).groups).toEqual(['billing']);
    const found = await discoverGroups(admin, { proxies: [P] });
    expect(found.groups).toEqual(['billing', 'pop-billing']);
    expect(found.pop).toEqual(['pop-billing']);
    expect(found.errors).toEqual([]);
  });

  it('throws when no master answers', async () => {
    const admin = {
      masterAddrs: async () => [{ brokerName: 'broker-a', addr: A }],
      allSubscriptionGroups: async () => {
        throw new RemotingConnectError(A, new Error('refused'));
      },
    } as unknown as RemotingAdmin;
    await expect(discoverGroups(admin)).rejects.toThrow(/no broker answered/);
  });
});
