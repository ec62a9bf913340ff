/**
 * What the cluster's RocketMQ version and HA mode allow: a proxy (and so gRPC fleets) only
 * where the version has one, the controller only on 5.x, timers only on 5.x, and a slave count
 * that fits the mode. Read from the raw plan, like every cross-check.
 */
import { TESTED_ROCKETMQ_VERSIONS, serverVersionTraits, versionsWithProxy } from '../setup/versions.ts';
import { PLAN_DEFAULTS as D } from './defaults.ts';
import { HA_MODES, defaultHaMode, slaveCountProblem, type HaMode } from '../cluster/ha-modes.ts';
import { items, record, str, type Raw } from './raw.ts';
import { SERVER_VERSION } from './schema-names.ts';
import type { PendingIssue } from './zod-issues.ts';

const NO_PROXY_JAR = 'Maven Central has no rocketmq-proxy jar of it';

export function checkClusterVersion(plan: Raw, issues: PendingIssue[]): void {
  const cluster = record(plan.cluster) ?? {};
  if (cluster.provider === 'external') return;
  const givenVersion = str(cluster.version);
  if (cluster.version !== undefined && (givenVersion === undefined || !SERVER_VERSION.test(givenVersion))) return;
  const version = givenVersion ?? D.cluster.version;
  const traits = serverVersionTraits(version);
  const where = cluster.version === undefined ? `RocketMQ ${version} (the default)` : `RocketMQ ${version}`;

  if (cluster.proxy === true && !traits.proxy) {
    issues.push({
      path: ['cluster', 'proxy'],
      anchor: 'value',
      message:
        `${where} has no proxy to run (${traits.major < 5 ? 'the proxy came with 5.0' : NO_PROXY_JAR}), ` +
        `so neither a proxy nor grpc fleets: use one of ${versionsWithProxy().join(', ')}`,
    });
  }

  const rawHa = str(cluster.ha);
  const ha = rawHa !== undefined && HA_MODES.includes(rawHa as HaMode) ? (rawHa as HaMode) : undefined;
  if (ha === 'controller' && !traits.controller) {
    issues.push({
      path: ['cluster', 'ha'],
      anchor: 'value',
      message:
        `ha controller needs RocketMQ 5.x (${where} has no controller): ` + 'use dledger for automatic failover on 4.x',
    });
  }
  if (typeof cluster.controllers === 'number' && cluster.controllers > 0 && ha !== 'controller') {
    issues.push({
      path: ['cluster', 'controllers'],
      anchor: 'key',
      message: `controllers runs standalone controllers for ha controller, and ha is ${ha ?? 'not set'}`,
    });
  }
  if ((ha === 'controller' || ha === 'dledger') && cluster.provider === 'containers') {
    issues.push({
      path: ['cluster', 'ha'],
      anchor: 'value',
      message: `ha ${ha} runs on provider local (JVM processes); provider containers runs ha none and master-slave`,
    });
  }
  if (ha === 'dledger') {
    items(plan.faults).forEach((raw, i) => {
      const action = str(record(raw)?.action);
      if (!action?.startsWith('network.')) return;
      issues.push({
        path: ['faults', i, 'action'],
        anchor: 'value',
        message:
          `${action} needs the cluster's links under Toxiproxy, and on ha dledger the Raft peers' links are ` +
          'not: use process faults (kill, pause, restart) on role targets such as broker-a@master',
      });
    });
  }
  if (ha === 'dledger' && !traits.dledger) {
    issues.push({
      path: ['cluster', 'ha'],
      anchor: 'value',
      message: `ha dledger needs RocketMQ 4.5 or later (${where})`,
    });
  }
  const slaves = cluster.slavesPerMaster;
  if (typeof slaves === 'number' && Number.isInteger(slaves) && (ha !== undefined || cluster.ha === undefined)) {
    const problem = slaveCountProblem(ha ?? defaultHaMode(slaves), slaves);
    if (problem) issues.push({ path: ['cluster', 'slavesPerMaster'], anchor: 'value', message: problem });
  }

  if (!traits.timers) {
    const withTimers = TESTED_ROCKETMQ_VERSIONS.filter((v) => serverVersionTraits(v).timers).join(', ');
    items(record(plan.fleets)?.producers).forEach((raw, i) => {
      if (record(record(raw)?.delay)?.by === undefined) return;
      issues.push({
        path: ['fleets', 'producers', i, 'delay', 'by'],
        anchor: 'key',
        message:
          `delay.by sends timer messages for a chosen time (5.x timers); ${where} only has delay levels: ` +
          `use delay.level or one of ${withTimers}`,
      });
    });
  }
}
