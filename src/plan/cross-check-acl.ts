/**
 * `cluster.acl` against the rest of the plan: where it can run (brokers the harness starts,
 * RocketMQ 5.3+), users named once, the fleets that sign (a known user, a client that can sign:
 * remoting, on the Node driver or RocketMQ's Java client), and `acl.revoke` naming a permission
 * the user has. Messages never carry a secret.
 */
import { serverVersionTraits } from '../setup/versions.ts';
import { PLAN_DEFAULTS as D } from './defaults.ts';
import { items, record, str, type Raw } from './raw.ts';
import type { PendingIssue } from './zod-issues.ts';

/** The harness's own super user (cluster/acl.ts ADMIN_USER): a plan user may not take its name. */
const RESERVED_USER = 'rmq-chaos-admin';
/** broker.conf keys the harness sets itself when the plan has cluster.acl. */
const AUTH_KEY = /^(authentication|authorization|initAuthenticationUser|innerClientAuthenticationCredentials)/;

export function checkAcl(plan: Raw, issues: PendingIssue[]): void {
  const cluster = record(plan.cluster);
  const acl = record(cluster?.acl);
  const users = items(acl?.users).map((u) => record(u));
  const names = users.map((u) => str(u?.name));
  if (acl) checkWhere(plan, cluster ?? {}, issues);
  names.forEach((name, i) => {
    if (name === RESERVED_USER)
      issues.push({
        path: ['cluster', 'acl', 'users', i, 'name'],
        anchor: 'value',
        message: `${RESERVED_USER} is the harness's own admin user: name yours differently`,
      });
    else if (name !== undefined && names.indexOf(name) < i)
      issues.push({
        path: ['cluster', 'acl', 'users', i, 'name'],
        anchor: 'value',
        message: `user ${name} is listed twice: one entry per user`,
      });
  });
  checkFleetCredentials(plan, acl !== undefined, names, issues);
  checkRevokes(plan, users, issues);
}

function checkWhere(plan: Raw, cluster: Raw, issues: PendingIssue[]): void {
  const provider = str(cluster.provider) ?? D.cluster.provider;
  const version = str(cluster.version) ?? D.cluster.version;
  const at = { path: ['cluster', 'acl'], anchor: 'key' as const };
  if (provider !== 'local')
    issues.push({
      ...at,
      message:
        `acl sets up users on brokers rmq-chaos starts as local processes, not on provider ${provider}: use ` +
        'provider local',
    });
  else if (!serverVersionTraits(version).acl2)
    issues.push({
      ...at,
      message:
        `acl is RocketMQ's ACL 2.0 (5.3.0 and later); cluster.version is ${version} (4.x's plain ACL is not built ` +
        'here): use 5.3.3',
    });
  if (cluster.proxy === true)
    issues.push({
      path: ['cluster', 'proxy'],
      anchor: 'value',
      message: 'acl with a proxy (gRPC fleets) is not built: the proxy would need its own ACL settings; remove one',
    });
  for (const key of Object.keys(record(cluster.brokerConfig) ?? {}))
    if (AUTH_KEY.test(key))
      issues.push({
        path: ['cluster', 'brokerConfig', key],
        anchor: 'key',
        message: `${key} is set by rmq-chaos when the plan has cluster.acl: remove it`,
      });
  if (items(plan.agents).length > 0)
    issues.push({
      ...at,
      message: 'acl with agents is not built: a fleet on an agent would get its secret over the agent link; remove one',
    });
}

function checkFleetCredentials(
  plan: Raw,
  hasAcl: boolean,
  users: readonly (string | undefined)[],
  issues: PendingIssue[],
): void {
  const known = [...new Set(users.filter((n): n is string => n !== undefined))];
  for (const kind of ['producers', 'consumers'] as const) {
    items(record(plan.fleets)?.[kind]).forEach((raw, i) => {
      const fleet = record(raw);
      const user = str(fleet?.credentials);
      if (!fleet || user === undefined) return;
      const path = ['fleets', kind, i, 'credentials'];
      if (!hasAcl) {
        issues.push({ path, anchor: 'key', message: 'credentials need cluster.acl (the users to sign as): add it' });
        return;
      }
      if (!known.includes(user)) {
        issues.push({
          path,
          anchor: 'value',
          message: `no user ${user} in cluster.acl.users (users: ${known.join(', ') || 'none'})`,
        });
        return;
      }
      const protocols = [fleet.protocol, ...items(fleet.overrides).map((o) => record(o)?.protocol)];
      if (protocols.includes('grpc'))
        issues.push({
          path,
          anchor: 'key',
          message:
            'credentials on protocol grpc are not built (the proxy would need its own ACL settings): use remoting',
        });
    });
  }
}

function checkRevokes(plan: Raw, users: readonly (Raw | undefined)[], issues: PendingIssue[]): void {
  items(plan.faults).forEach((raw, i) => {
    const fault = record(raw);
    if (str(fault?.action) !== 'acl.revoke') return;
    const resource = str(fault?.resource);
    const targets = typeof fault?.target === 'string' ? [fault.target] : items(fault?.target).map(str);
    for (const target of targets) {
      const user = users.find((u) => str(u?.name) === target);
      if (!user || resource === undefined) continue;
      const allowed = items(user.allow).map((p) => str(record(p)?.resource));
      if (!allowed.includes(resource))
        issues.push({
          path: ['faults', i, 'resource'],
          anchor: 'value',
          message:
            `${target} has no permission on ${resource} to revoke (its allow list: ` +
            `${allowed.filter((r) => r !== undefined).join(', ') || 'empty'})`,
        });
    }
  });
}
