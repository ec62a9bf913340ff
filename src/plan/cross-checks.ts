/**
 * Rules that relate one part of a plan to another: references to topics, unique names, and
 * settings that only make sense together. They read the raw data defensively instead of the
 * schema's output because they must still run when some unrelated field is invalid: a user
 * fixing a plan wants every problem in one pass, not one layer at a time.
 */
import { checkDeadLetterGroups, checkMessageDelayLevel } from './cross-check-dead-letter.ts';
import { GRPC_NEEDS_PROXY, GRPC_NEEDS_PROXY_ADDR, checkConsumer } from './cross-check-consumers.ts';
import { undeclared } from './messages.ts';
import { checkAgents, checkLinksOnAgents } from './cross-check-agents.ts';
import { checkClusterVersion } from './cross-check-cluster-version.ts';
import { checkAcl } from './cross-check-acl.ts';
import { checkDiskFaults } from './cross-check-disk.ts';
import { serverVersionOf } from './cross-check-sql.ts';
import { checkExpect } from './cross-check-expect.ts';
import { checkFaults } from './cross-check-faults.ts';
import { checkProducer, type FleetCheckContext } from './cross-check-producers.ts';
import { checkDelays } from './cross-check-delay.ts';
import { checkThresholdKeys } from './cross-check-thresholds.ts';
import { checkWorkloads } from './cross-check-workloads.ts';
import type { PathSegment } from './messages.ts';
import { requiredKeyMessage } from './messages.ts';
import { sendingLengths } from './phase-lengths.ts';
import { items, record, str, type Raw } from './raw.ts';
import type { PendingIssue } from './zod-issues.ts';

/**
 * The declared topic names, or undefined when the topics list itself is broken: then every
 * reference would look dangling, and the schema's message about the list is the useful one.
 */
function declaredTopics(plan: Raw, issues: PendingIssue[]): string[] | undefined {
  const seen = new Map<string, number>();
  let complete = Array.isArray(plan.topics);
  items(plan.topics).forEach((topic, i) => {
    const name = str(record(topic)?.name);
    if (name === undefined) return void (complete = false);
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else
      issues.push({
        path: ['topics', i, 'name'],
        anchor: 'value',
        message: `topic "${name}" is already declared at topics[${first}]`,
      });
  });
  return complete ? [...seen.keys()] : undefined;
}

function checkFleets(plan: Raw, declared: readonly string[] | undefined, issues: PendingIssue[]): void {
  const fleets = record(plan.fleets);
  const names = new Map<string, string>();
  const cluster = record(plan.cluster);
  const external = cluster?.provider === 'external';
  const proxyMissing = external
    ? cluster.proxyAddr === undefined
      ? GRPC_NEEDS_PROXY_ADDR
      : undefined
    : cluster?.proxy !== true
      ? GRPC_NEEDS_PROXY
      : undefined;
  const ctx: FleetCheckContext = {
    declared,
    proxyMissing,
    sending: sendingLengths(plan),
    serverVersion: serverVersionOf(plan),
    sqlSubscribers: [],
    issues,
  };

  for (const kind of ['producers', 'consumers'] as const) {
    items(fleets?.[kind]).forEach((raw, i) => {
      const fleet = record(raw);
      const at = (...rest: PathSegment[]): PathSegment[] => ['fleets', kind, i, ...rest];
      const name = str(fleet?.name);
      if (name !== undefined) {
        const first = names.get(name);
        if (first === undefined) names.set(name, `fleets.${kind}[${i}]`);
        else
          issues.push({
            path: at('name'),
            anchor: 'value',
            message: `fleet name "${name}" is already used by ${first}`,
          });
      }
      if (fleet?.protocol === 'grpc' && proxyMissing) {
        issues.push({ path: at('protocol'), anchor: 'value', message: proxyMissing });
      }
      const topic = str(fleet?.topic);
      if (kind === 'producers' && topic !== undefined && declared && !declared.includes(topic)) {
        issues.push({ path: at('topic'), anchor: 'value', message: undeclared(topic, declared) });
      }
      if (fleet && kind === 'producers') checkProducer(fleet, at, ctx);
      if (fleet && kind === 'consumers') checkConsumer(fleet, at, ctx);
    });
  }
  if (ctx.sqlSubscribers.length > 0 && record(cluster?.brokerConfig)?.enablePropertyFilter === false) {
    issues.push({
      path: ['cluster', 'brokerConfig', 'enablePropertyFilter'],
      anchor: 'value',
      message:
        `brokers with enablePropertyFilter false refuse SQL92 subscriptions, and ${ctx.sqlSubscribers[0]}` +
        `${ctx.sqlSubscribers.length > 1 ? ` (and ${ctx.sqlSubscribers.length - 1} more)` : ''} subscribes with ` +
        'one: remove the setting (the harness turns it on when a consumer subscribes with SQL92)',
    });
  }
  checkDeadLetterGroups(items(fleets?.consumers), ctx);
  checkMessageDelayLevel(cluster, issues);
}

/** Settings that describe a cluster rmq-chaos starts: meaningless for one someone else runs. */
const STARTED_CLUSTER_KEYS = [
  'version',
  'ha',
  'controllers',
  'namesrv',
  'brokers',
  'slavesPerMaster',
  'proxy',
  'heap',
  'brokerConfig',
  'namesrvConfig',
  'advertise',
] as const;

function checkCluster(plan: Raw, issues: PendingIssue[]): void {
  const cluster = record(plan.cluster);
  if (!cluster) return;
  const external = cluster.provider === 'external';
  if (external) {
    for (const key of STARTED_CLUSTER_KEYS) {
      if (cluster[key] === undefined) continue;
      const instead = key === 'proxy' ? ' (for its proxy, set cluster.proxyAddr to the gRPC endpoint)' : '';
      issues.push({
        path: ['cluster', key],
        anchor: 'key',
        message:
          `${key} describes a cluster rmq-chaos would start; provider external uses the cluster at namesrvAddr ` +
          `as it is: remove ${key}${instead}`,
      });
    }
  }
  if (cluster.advertise !== undefined && cluster.provider === 'containers')
    issues.push({
      path: ['cluster', 'advertise'],
      anchor: 'key',
      message: 'advertise is for provider local (containers publish their ports on 127.0.0.1): remove it',
    });
  const networkFault = items(plan.faults).findIndex((f) => str(record(f)?.action)?.startsWith('network.'));
  // With agents, their hosts carry the clients' links: cross-check-agents.ts judges those plans.
  const agents = items(plan.agents).length > 0;
  if (cluster.advertise !== undefined && !external && networkFault >= 0 && !agents)
    issues.push({
      path: ['cluster', 'advertise'],
      anchor: 'key',
      message:
        `advertise cannot be combined with network faults (faults[${networkFault}]) without agents: the links ` +
        "listen on this machine's loopback addresses, which other hosts cannot reach (with agents, the clients' " +
        'links are on their hosts)',
    });
  if (!external && cluster.proxyAddr !== undefined) {
    const provider = str(cluster.provider) ?? 'local';
    issues.push({
      path: ['cluster', 'proxyAddr'],
      anchor: 'key',
      message:
        `proxyAddr is only for provider external (provider is ${provider}, which starts its own proxy with ` +
        'cluster.proxy: true)',
    });
  }
  if (!external && cluster.proxyRemotingAddr !== undefined) {
    const provider = str(cluster.provider) ?? 'local';
    issues.push({
      path: ['cluster', 'proxyRemotingAddr'],
      anchor: 'key',
      message:
        `proxyRemotingAddr is only for provider external (provider is ${provider}, whose own proxy the run ` +
        'already reads)',
    });
  } else if (cluster.proxyRemotingAddr !== undefined && cluster.proxyAddr === undefined) {
    issues.push({
      path: ['cluster', 'proxyRemotingAddr'],
      anchor: 'key',
      message: "proxyRemotingAddr needs proxyAddr (the same proxy's gRPC endpoint, which grpc fleets dial)",
    });
  }
  if (cluster.images !== undefined && (str(cluster.provider) ?? 'local') !== 'containers') {
    const provider = str(cluster.provider) ?? 'local';
    issues.push({
      path: ['cluster', 'images'],
      anchor: 'key',
      message:
        `images is only for provider containers (provider is ${provider}, which ` +
        `${external ? 'uses a cluster someone else runs' : 'runs JVM processes from the cached jars'})`,
    });
  }
  if (external && cluster.namesrvAddr === undefined) {
    issues.push({
      path: ['cluster'],
      anchor: 'value',
      message:
        `${requiredKeyMessage('namesrvAddr')} (provider external connects to a running cluster, e.g. ` +
        'namesrvAddr: "10.0.0.5:9876")',
    });
  }
  if (!external && cluster.namesrvAddr !== undefined) {
    const provider = str(cluster.provider) ?? 'local';
    issues.push({
      path: ['cluster', 'namesrvAddr'],
      anchor: 'key',
      message: `namesrvAddr is only for provider external (provider is ${provider}, which starts its own name servers)`,
    });
  }
}

/** Every cross-field problem in the plan, in no particular order (the caller sorts by position). */
export function crossCheck(data: unknown): PendingIssue[] {
  const plan = record(data);
  if (!plan) return [];
  const issues: PendingIssue[] = [];
  const declared = declaredTopics(plan, issues);
  checkFleets(plan, declared, issues);
  checkCluster(plan, issues);
  checkDiskFaults(plan, issues);
  checkAcl(plan, issues);
  checkClusterVersion(plan, issues);
  checkThresholdKeys(plan, issues);
  checkWorkloads(plan, issues);
  checkDelays(plan, issues);
  checkFaults(plan, declared, issues);
  checkExpect(plan, issues);
  checkAgents(plan, issues);
  checkLinksOnAgents(plan, issues);
  return issues;
}
