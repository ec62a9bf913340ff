/**
 * Disk faults and the bounded store they act on: both only where the harness starts brokers as
 * local processes (a tmpfs, or for disk.slow a loop device, on each store dir), and disk faults
 * only on brokers. Whether this machine can mount and throttle (root, cgroup v1 blkio) is asked
 * when the run starts, before any broker: validation says the same on every machine.
 */
import { items, record, str, type Raw } from './raw.ts';
import type { PendingIssue } from './zod-issues.ts';

/** What each disk fault needs of the store, for the message refusing other providers. */
const DOES: Readonly<Record<string, string>> = {
  'disk.fill': 'fills a bounded store',
  'disk.slow': 'throttles a store device (an ext4 image on a loop device)',
};

/** `broker-a`, `broker-b-s1`, and role targets such as `broker-a@master`. */
const BROKER_TARGET = /^broker-[a-z]+(?:-s\d+)?(?:@\w+)?$/;

export function checkDiskFaults(plan: Raw, issues: PendingIssue[]): void {
  const provider = str(record(plan.cluster)?.provider) ?? 'local';
  if (record(plan.cluster)?.storeSize !== undefined && provider !== 'local')
    issues.push({
      path: ['cluster', 'storeSize'],
      anchor: 'key',
      message: `storeSize is for provider local (a tmpfs on each broker's store dir), not ${provider}: remove it`,
    });
  let providerSaid = false;
  items(plan.faults).forEach((raw, i) => {
    const fault = record(raw);
    const action = str(fault?.action);
    if (!fault || !action?.startsWith('disk.')) return;
    // Once: every other disk fault has the same cause.
    if (provider !== 'local' && !providerSaid) {
      providerSaid = true;
      issues.push({
        path: ['faults', i, 'action'],
        anchor: 'value',
        message:
          `${action} ${DOES[action] ?? 'acts on'} the local provider mounts for each broker; ` +
          `provider ${provider} has none: use provider local`,
      });
    }
    const targets = typeof fault.target === 'string' ? [fault.target] : items(fault.target).map(str);
    const random = items(record(fault.target)?.random).map(str);
    for (const target of [...targets, ...random]) {
      if (target === undefined || BROKER_TARGET.test(target)) continue;
      issues.push({
        path: ['faults', i, 'target'],
        anchor: 'value',
        message: `${action} acts on a broker's store, and ${target} is not a broker: target one such as broker-a`,
      });
      break;
    }
  });
}

/**
 * What this machine can do for disk faults, asked only by commands that start a cluster here
 * (`run`, `cluster up`): `validate` answers the same on every machine, so a plan written on a
 * laptop for a root run elsewhere stays valid.
 */
export interface DiskHost {
  /** Why a tmpfs store cannot be mounted here (not root); undefined when it can. */
  mountProblem: string | undefined;
  /** Why a store device cannot be throttled here (not root, no cgroup v1 blkio); undefined when it can. */
  throttleProblem: string | undefined;
}

/** Disk faults a local cluster on this machine could not apply: refused before anything starts. */
export function checkDiskHost(plan: Raw, host: DiskHost, issues: PendingIssue[]): void {
  if ((str(record(plan.cluster)?.provider) ?? 'local') !== 'local') return;
  const said = new Set<string>();
  items(plan.faults).forEach((raw, i) => {
    const action = str(record(raw)?.action);
    const problem =
      action === 'disk.fill' ? host.mountProblem : action === 'disk.slow' ? host.throttleProblem : undefined;
    if (action === undefined || problem === undefined || said.has(action)) return;
    said.add(action);
    issues.push({
      path: ['faults', i, 'action'],
      anchor: 'value',
      message: `${action} cannot run on this machine: ${problem}`,
    });
  });
}
