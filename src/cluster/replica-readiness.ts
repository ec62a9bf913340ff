/**
 * Readiness of clusters whose masters are elected (ha controller, dledger): a broker's boot
 * line says nothing about roles (DLedger elects about a second after it), so a cluster is
 * ready when the name servers list a master (brokerId 0) for every broker name and every
 * replica under some id, and, with the controller, when every replica is in its broker
 * name's sync state set: a master killed before its slave caught up has no successor
 * (`enableElectUncleanMaster` is off), which is a finding for a plan to make on purpose, not
 * an accident of a run that started its faults too early.
 */
import { RemotingAdmin, controllerLeader, syncStates } from '../protocol/index.ts';
import { HarnessError } from '../util/errors.ts';
import { sleep } from '../util/sleep.ts';
import type { ClusterEndpoints } from './provider.ts';
import { signedBy } from './acl.ts';

type Listed = ClusterEndpoints['brokers'];

/** Broker name → the addresses of its replicas, as the provider started them. */
export function replicaAddrs(endpoints: ClusterEndpoints): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const b of endpoints.brokers) byName.set(b.name, [...(byName.get(b.name) ?? []), b.addr]);
  return byName;
}

async function poll<T>(timeoutMs: number, what: () => string, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const done = await attempt();
      if (done !== undefined) return done;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline)
      throw new HarnessError(
        'cluster-not-ready',
        `${what()} after ${timeoutMs} ms${lastError ? ` (last error: ${lastError})` : ''}`,
      );
    await sleep(250);
  }
}

async function listed(admin: RemotingAdmin): Promise<Listed> {
  const info = await admin.clusterInfo();
  return Object.values(info.brokerAddrTable)
    .flatMap((b) =>
      Object.entries(b.brokerAddrs).map(([id, addr]) => ({ name: b.brokerName, brokerId: Number(id), addr })),
    )
    .sort((a, b) => a.name.localeCompare(b.name) || a.brokerId - b.brokerId);
}

/** Waits for a master of every broker name and every replica listed; returns the listing (ids as elected). */
export async function waitForElectedMasters(
  endpoints: ClusterEndpoints,
  replicas: ReadonlyMap<string, readonly string[]>,
  timeoutMs: number,
): Promise<Listed> {
  const admin = RemotingAdmin.create({
    namesrvAddr: endpoints.namesrvAddr,
    requestTimeoutMs: 3000,
    ...signedBy(endpoints),
  });
  let seen: Listed = [];
  try {
    return await poll(
      timeoutMs,
      () =>
        `no elected master for every broker name: the name server lists ` +
        `${seen.map((b) => `${b.name}#${b.brokerId}@${b.addr}`).join(', ') || 'no broker'}`,
      async () => {
        seen = await listed(admin);
        const ready = [...replicas].every(
          ([name, addrs]) =>
            seen.some((b) => b.name === name && b.brokerId === 0) &&
            addrs.every((addr) => seen.some((b) => b.name === name && b.addr === addr)),
        );
        return ready ? seen : undefined;
      },
    );
  } finally {
    await admin.close();
  }
}

/** Waits until every replica of every broker name is in its sync state set (controller mode). */
export async function waitForSyncStateSets(
  controllerAddr: string,
  replicas: ReadonlyMap<string, readonly string[]>,
  timeoutMs: number,
): Promise<void> {
  const controllers = controllerAddr.split(';');
  let last = 'no controller leader';
  await poll(
    timeoutMs,
    () => `not every replica is in sync: ${last}`,
    async () => {
      const leader = await controllerLeader(controllers);
      if (!leader) return undefined;
      const states = await syncStates(leader, [...replicas.keys()]);
      last = [...replicas.keys()]
        .map(
          (name) =>
            `${name} in sync ${(states[name]?.inSyncReplicas ?? []).map((r) => r.brokerAddress).join(', ') || 'none'}`,
        )
        .join('; ');
      const ready = [...replicas].every(([name, addrs]) =>
        addrs.every((addr) => states[name]?.inSyncReplicas.some((r) => r.brokerAddress === addr && r.alive)),
      );
      return ready ? true : undefined;
    },
  );
}

/** Waits until the name servers list `addr` (under any id). */
export async function waitForListed(endpoints: ClusterEndpoints, addr: string, timeoutMs: number): Promise<void> {
  const admin = RemotingAdmin.create({
    namesrvAddr: endpoints.namesrvAddr,
    requestTimeoutMs: 3000,
    ...signedBy(endpoints),
  });
  try {
    await poll(
      timeoutMs,
      () => `the name server does not list ${addr}`,
      async () => ((await listed(admin)).some((b) => b.addr === addr) ? true : undefined),
    );
  } finally {
    await admin.close();
  }
}
