/**
 * What a broker is given for each ACL: ACL 2.0's settings with the harness's super user, or
 * the plain ACL's switch and accounts file, with the plan's permissions in its terms.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { aclFlavour, authBrokerEntries, plainAclYaml, plainPerms } from '../../../src/cluster/acl.ts';
import { Secret } from '../../../src/util/secret.ts';

const admin = { accessKey: 'rmq-chaos-admin', secretKey: new Secret('admin-secret') };
const allow = [
  { resource: 'Topic:orders', actions: ['Pub'] },
  { resource: 'Topic:refunds', actions: ['Sub', 'Get'] },
  { resource: 'Group:billing', actions: ['Sub'] },
  { resource: 'Topic:*', actions: ['All'] },
  { resource: 'Topic:audit', actions: ['Get'] },
];

describe('ACL broker settings', () => {
  it('ACL 2.0 from 5.3 on, plain ACL before', () => {
    expect(['4.9.7', '5.1.4', '5.3.2', '5.3.3', '5.5.0', '6.0.0'].map(aclFlavour)).toEqual([
      'plain',
      'plain',
      'acl2',
      'acl2',
      'acl2',
      'acl2',
    ]);
  });

  it('ACL 2.0: authentication and authorization on, the admin as the first (super) user and inner client', () => {
    const entries = authBrokerEntries(admin, '5.3.3');
    expect(entries).toMatchObject({ authenticationEnabled: true, authorizationEnabled: true });
    expect(JSON.parse(String(entries.initAuthenticationUser))).toEqual({
      username: 'rmq-chaos-admin',
      password: 'admin-secret',
    });
    expect(JSON.parse(String(entries.innerClientAuthenticationCredentials))).toEqual({
      accessKey: 'rmq-chaos-admin',
      secretKey: 'admin-secret',
    });
    expect(authBrokerEntries(admin, '4.9.7')).toEqual({ aclEnable: true });
  });

  it("plain ACL: the plan's permissions as PUB/SUB by name, defaults DENY unless Topic:* or Group:* say", () => {
    expect(plainPerms(allow)).toEqual({
      topicPerms: ['orders=PUB', 'refunds=SUB'],
      groupPerms: ['billing=SUB'],
      defaultTopicPerm: 'PUB|SUB',
      defaultGroupPerm: 'DENY',
    });
    // A revoked entry is written DENY.
    expect(plainPerms(allow, allow[0]).topicPerms).toEqual(['orders=DENY', 'refunds=SUB']);
  });

  it('plain ACL: the accounts file holds the admin and each user', () => {
    const file = parse(plainAclYaml(admin, [{ name: 'app', secret: new Secret('app-secret'), allow }])) as {
      accounts: Record<string, unknown>[];
    };
    expect(file.accounts).toEqual([
      { accessKey: 'rmq-chaos-admin', secretKey: 'admin-secret', admin: true },
      expect.objectContaining({ accessKey: 'app', secretKey: 'app-secret', admin: false, groupPerms: ['billing=SUB'] }),
    ]);
  });
});
