/**
 * `cluster.acl` against the rest of the plan: where it can run (brokers the harness starts;
 * ACL 2.0 on 5.3+, the plain ACL before, with what it can say), users named once, the fleets
 * that sign (a known user, a client that can sign: remoting, on the Node driver or RocketMQ's
 * Java client), and `acl.revoke` naming a permission the user has. Messages never carry a
 * secret.
 */
import { ADMIN_USER } from '../cluster/acl.ts';
import { serverVersionTraits } from '../setup/versions.ts';
import { PLAN_DEFAULTS as D } from './defaults.ts';
import { items, record, str, type Raw } from './raw.ts';
import type { PendingIssue } from './zod-issues.ts';

/** broker.conf keys the harness sets itself when the plan has cluster.acl. */
const AUTH_KEY =
  /^(authentication|authorization|initAuthenticationUser|innerClientAuthenticationCredentials|aclEnable$)/;

export function checkAcl(plan: Raw, issues: PendingIssue[]): void {
  const cluster = record(plan.cluster);
  const acl = record(cluster?.acl);
  const users = items(acl?.users).map((u) => record(u));
  const names = users.map((u) => str(u?.name));
  if (acl) checkWhere(plan, cluster ?? {}, issues);
  names.forEach((name, i) => {
    if (name === ADMIN_USER)
      issues.push({
        path: ['cluster', 'acl', 'users', i, 'name'],
        anchor: 'value',
        message: `${ADMIN_USER} is the harness's own admin user: name yours differently`,
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
  else if (!serverVersionTraits(version).acl2) checkPlainAcl(cluster, version, issues);
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

/**
 * Before 5.3 a broker has the plain ACL (accounts in conf/plain_acl.yml): topic and group
 * permissions PUB and SUB by name, or a default for all; what ACL 2.0 says beyond that has no
 * plain equivalent here.
 */
function checkPlainAcl(cluster: Raw, version: string, issues: PendingIssue[]): void {
  const slaves = cluster.slavesPerMaster;
  if ((typeof slaves === 'number' && slaves > 0) || (cluster.ha !== undefined && cluster.ha !== 'none'))
    issues.push({
      path: ['cluster', 'acl'],
      anchor: 'key',
      message: `acl on ${version} (plain ACL) with replicas is not built: use ha none, or 5.3.3 (ACL 2.0)`,
    });
  items(record(cluster.acl)?.users).forEach((u, i) => {
    items(record(u)?.allow).forEach((p, j) => {
      const resource = str(record(p)?.resource);
      const path = ['cluster', 'acl', 'users', i, 'allow', j];
      if (resource !== undefined && !/^(Topic|Group):(\*|[A-Za-z0-9%_-]+)$/.test(resource))
        issues.push({
          path: [...path, 'resource'],
          anchor: 'value',
          message:
            `${version}'s plain ACL has topic and group permissions by name or for all ("Topic:*"), not ` +
            `${resource}: use 5.3.3 (ACL 2.0) for it`,
        });
      const other = items(record(p)?.actions).filter((a) => !['Pub', 'Sub', 'All', 'Get'].includes(str(a) ?? ''));
      if (other.length > 0)
        issues.push({
          path: [...path, 'actions'],
          anchor: 'value',
          message:
            `${version}'s plain ACL has PUB and SUB permissions only, not ${other.join(', ')}: use Pub, Sub or All ` +
            '(Get is not checked there), or 5.3.3 (ACL 2.0)',
        });
    });
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
