/**
 * Authentication and authorization (RocketMQ 5.3+ ACL 2.0) on the brokers the harness starts:
 * the broker settings that turn it on with a super user for the harness, the plan's users and
 * their Allow entries applied on every broker (each broker keeps its own user and ACL store,
 * slaves included), and revoking one entry mid-run (the `acl.revoke` fault) and giving it back.
 */
import { type AclCredentials, RemotingAdmin } from '../protocol/index.ts';
import { HarnessError } from '../util/errors.ts';
import type { Secret } from '../util/secret.ts';
import type { AdminCredentials, ClusterEndpoints } from './provider.ts';
import type { ConfValue } from './server-conf/conf-keys.ts';
import { stringify } from 'yaml';
import { serverVersionTraits } from '../setup/versions.ts';

/** One Allow entry: `Topic:orders` with [Pub] (the plan's `allow`). */
export interface AclPermission {
  resource: string;
  actions: readonly string[];
}

/** The users a cluster is given (the plan's cluster.acl, resolved). */
export interface ClusterAclUsers {
  users: readonly { name: string; secret: Secret; allow: readonly AclPermission[] }[];
}

/** The name of the harness's own super user (its secret is drawn for each run). */
export const ADMIN_USER = 'rmq-chaos-admin';

/**
 * Which ACL a version runs: ACL 2.0 (5.3+, users and ACLs through the admin API) or the plain
 * ACL of 4.x and 5.0-5.2 (accounts in conf/plain_acl.yml, changed through UPDATE_AND_CREATE_ACL_CONFIG).
 */
export function aclFlavour(version: string): 'acl2' | 'plain' {
  return serverVersionTraits(version).acl2 ? 'acl2' : 'plain';
}

/** Where a plain-ACL broker reads its accounts, under its ROCKETMQ_HOME. */
export const PLAIN_ACL_FILE = 'conf/plain_acl.yml';

/**
 * A user's permissions in plain ACL's terms: `topicPerms`/`groupPerms` entries (`orders=PUB|SUB`)
 * and the defaults for `Topic:*`/`Group:*` (DENY otherwise, as ACL 2.0 denies what no entry
 * allows). Pub → PUB, Sub → SUB, All → PUB|SUB; Get has no plain-ACL check (the requests it
 * covers are not judged there), the rest are refused by validation for these versions.
 * `denied`: that entry is written DENY (the acl.revoke fault).
 */
export function plainPerms(
  allow: readonly AclPermission[],
  denied?: AclPermission,
): {
  topicPerms: string[];
  groupPerms: string[];
  defaultTopicPerm: string;
  defaultGroupPerm: string;
} {
  const out = {
    topicPerms: [] as string[],
    groupPerms: [] as string[],
    defaultTopicPerm: 'DENY',
    defaultGroupPerm: 'DENY',
  };
  for (const p of allow) {
    const { resource, actions } = p;
    const [type, name] = resource.split(':') as [string, string];
    const pub = actions.includes('Pub') || actions.includes('All');
    const sub = actions.includes('Sub') || actions.includes('All');
    if (!pub && !sub) continue;
    const perm = p === denied ? 'DENY' : pub && sub ? 'PUB|SUB' : pub ? 'PUB' : 'SUB';
    if (type === 'Topic' && name === '*') out.defaultTopicPerm = perm;
    else if (type === 'Group' && name === '*') out.defaultGroupPerm = perm;
    else if (type === 'Topic') out.topicPerms.push(`${name}=${perm}`);
    else if (type === 'Group') out.groupPerms.push(`${name}=${perm}`);
  }
  return out;
}

/** conf/plain_acl.yml: the harness's admin account and the plan's users. */
export function plainAclYaml(admin: AdminCredentials, users: ClusterAclUsers['users']): string {
  const accounts = [
    { accessKey: admin.accessKey, secretKey: admin.secretKey.reveal(), admin: true },
    ...users.map((u) => ({ accessKey: u.name, secretKey: u.secret.reveal(), admin: false, ...plainPerms(u.allow) })),
  ];
  return stringify({ globalWhiteRemoteAddresses: [], accounts });
}

/**
 * broker.conf entries for ACL 2.0 with the brokers' local (RocksDB) user and ACL stores.
 * `initAuthenticationUser` is created as a super user at boot; `innerClientAuthenticationCredentials`
 * is what the broker signs its own requests with (slaves syncing config from their master).
 * They carry the admin secret, so the conf file is only readable by its owner (NodeProcesses).
 */
export function authBrokerEntries(admin: AdminCredentials, version: string): Record<string, ConfValue> {
  // Plain ACL: the accounts are in conf/plain_acl.yml (plainAclYaml), the broker only turns it on.
  if (aclFlavour(version) === 'plain') return { aclEnable: true };
  const secret = admin.secretKey.reveal();
  return {
    authenticationEnabled: true,
    authenticationProvider: 'org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider',
    authenticationMetadataProvider:
      'org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider',
    authorizationEnabled: true,
    authorizationProvider: 'org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider',
    authorizationMetadataProvider: 'org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider',
    initAuthenticationUser: JSON.stringify({ username: admin.accessKey, password: secret }),
    innerClientAuthenticationCredentials: JSON.stringify({ accessKey: admin.accessKey, secretKey: secret }),
  };
}

/** `RemotingAdmin.create` options that sign as the cluster's admin (nothing when authentication is off). */
export function signedBy(endpoints: ClusterEndpoints): { credentials?: AclCredentials } {
  const credentials = adminSigning(endpoints);
  return credentials ? { credentials } : {};
}

/** The keys a RemotingAdmin signs with on this cluster (none when authentication is off). */
export function adminSigning(endpoints: ClusterEndpoints): AclCredentials | undefined {
  const admin = endpoints.adminCredentials;
  return admin ? { accessKey: admin.accessKey, secretKey: admin.secretKey.reveal() } : undefined;
}

export function subjectOf(user: string): string {
  return `User:${user}`;
}

/** One admin per call: set-up and faults are rare, and each must work around Toxiproxy. */
function aclAdmin(endpoints: ClusterEndpoints): { admin: RemotingAdmin; addrs: string[] } {
  const credentials = adminSigning(endpoints);
  if (!credentials)
    throw new HarnessError('acl-off', 'the cluster was started without authentication (no cluster.acl)');
  const direct = endpoints.direct;
  const admin = RemotingAdmin.create({
    namesrvAddr: direct?.namesrvAddr ?? endpoints.namesrvAddr,
    ...(direct ? { brokerAddressMap: direct.brokerAddressMap } : {}),
    instanceName: `acl-admin-${process.pid}`,
    credentials,
  });
  // Every broker, slaves too: a consumer that reads from a slave authenticates there.
  const addrs = [...new Set(endpoints.brokers.map((b) => direct?.brokerAddressMap[b.addr] ?? b.addr))];
  return { admin, addrs };
}

async function withAdmin<T>(endpoints: ClusterEndpoints, use: (admin: RemotingAdmin, addrs: string[]) => Promise<T>) {
  const { admin, addrs } = aclAdmin(endpoints);
  try {
    return await use(admin, addrs);
  } finally {
    await admin.close();
  }
}

/** Creates the plan's users with their Allow entries on every broker. */
export async function applyAclUsers(
  endpoints: ClusterEndpoints,
  acl: ClusterAclUsers,
  flavour: 'acl2' | 'plain',
  log: (line: string) => void,
): Promise<void> {
  // Plain ACL: the brokers started with every account in their plain_acl.yml.
  if (flavour === 'acl2')
    await withAdmin(endpoints, async (admin, addrs) => {
      for (const addr of addrs) {
        for (const user of acl.users) {
          await admin.createAclUser(addr, { username: user.name, password: user.secret.reveal() });
          if (user.allow.length > 0) await admin.allowAcl(addr, subjectOf(user.name), user.allow);
        }
      }
    });
  for (const user of acl.users)
    log(`acl: user ${user.name} on ${endpoints.brokers.length} broker(s), allowed ${allowText(user.allow)}`);
}

export function allowText(allow: readonly AclPermission[]): string {
  return allow.length === 0 ? 'nothing' : allow.map((p) => `${p.resource} ${p.actions.join('|')}`).join(', ');
}

/** Revokes and restores ACL entries on every broker; the fault's side of the cluster's ACL. */
export class ClusterAcl {
  constructor(
    private readonly endpoints: ClusterEndpoints,
    private readonly acl: ClusterAclUsers,
    private readonly flavour: 'acl2' | 'plain',
  ) {}

  users(): string[] {
    return this.acl.users.map((u) => u.name);
  }

  /** Deletes the user's entry for `resource` on every broker; returns what gives it back. */
  async revoke(user: string, resource: string): Promise<{ restore: () => Promise<void> }> {
    const found = this.acl.users.find((u) => u.name === user);
    const entry = found?.allow.find((p) => p.resource === resource);
    if (!found || !entry)
      throw new HarnessError('acl-revoke', `acl.revoke: ${user} has no permission on ${resource} to revoke`);
    if (this.flavour === 'plain') {
      // The account rewritten with the entry's permission DENY (an empty perm list does not parse),
      // then as it was; the broker persists both to its file.
      const write = (perms: ReturnType<typeof plainPerms>) =>
        withAdmin(this.endpoints, async (admin, addrs) => {
          for (const addr of addrs)
            await admin.updatePlainAccount(addr, { accessKey: user, secretKey: found.secret.reveal(), ...perms });
        });
      await write(plainPerms(found.allow, entry));
      return { restore: () => write(plainPerms(found.allow)) };
    }
    await withAdmin(this.endpoints, async (admin, addrs) => {
      for (const addr of addrs) await admin.deleteAclEntry(addr, subjectOf(user), resource);
    });
    return {
      restore: () =>
        withAdmin(this.endpoints, async (admin, addrs) => {
          for (const addr of addrs) await admin.allowAcl(addr, subjectOf(user), [entry]);
        }),
    };
  }
}
