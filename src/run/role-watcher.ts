/**
 * Who is master of each broker name, as the name servers list it (brokerId 0 in the cluster
 * info): polled every 500 ms straight from the name servers (around Toxiproxy, like every
 * observer), each change recorded for the role timeline, and asked afresh when a role target
 * (`broker-a@master`) fires. The name servers' view is the one clients act on: a broker that
 * died is dropped when its channel closes, a newly elected master is listed when it registers.
 */
import type { ClusterNode, ClusterEndpoints } from '../cluster/provider.ts';
import { parseRoleTarget, type RoleResolver } from '../cluster/roles.ts';
import type { RoleChange } from '../metrics/failover-types.ts';
import { RemotingAdmin, controllerLeader } from '../protocol/index.ts';
import { HarnessError } from '../util/errors.ts';
import { signedBy } from '../cluster/acl.ts';

export interface BrokerRoles {
  master: string | null;
  /** Listed slaves, by brokerId. */
  slaves: string[];
}

const POLL_MS = 500;

export class RoleWatcher implements RoleResolver {
  private readonly admin: RemotingAdmin;
  private readonly nodeByAddr: Map<string, string>;
  private readonly current = new Map<string, BrokerRoles>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly o: {
      endpoints: ClusterEndpoints;
      nodes: readonly ClusterNode[];
      /** Every change, epoch ms; the first view of each broker name too. */
      onChange: (change: RoleChange) => void;
      intervalMs?: number;
    },
  ) {
    // The listed addresses, not the observers' direct map: they are what identify a node.
    this.admin = RemotingAdmin.create({
      namesrvAddr: o.endpoints.direct?.namesrvAddr ?? o.endpoints.namesrvAddr,
      instanceName: `roles-${process.pid}`,
      requestTimeoutMs: 2000,
      ...signedBy(o.endpoints),
    });
    this.nodeByAddr = new Map(
      o.nodes.filter((n) => n.brokerName !== undefined).map((n): [string, string] => [n.addr, n.name]),
    );
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      if (!this.inFlight) this.inFlight = this.refresh().finally(() => (this.inFlight = undefined));
    }, this.o.intervalMs ?? POLL_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.admin.close();
  }

  masterOf(brokerName: string): string | null {
    return this.current.get(brokerName)?.master ?? null;
  }

  async resolve(target: string): Promise<string> {
    const role = parseRoleTarget(target);
    if (!role)
      throw new HarnessError('fault-target', `${target} is not a role target (broker-a@master, broker-a@slave)`);
    if (role.group === 'controller') return this.controllerLeaderNode(target);
    await this.refresh();
    const roles = this.current.get(role.group);
    const node = role.role === 'master' ? roles?.master : roles?.slaves[0];
    if (!node)
      throw new HarnessError(
        'fault-target',
        `${target}: the name servers list no ${role.role} of ${role.group} now` +
          (roles ? ` (master ${roles.master ?? 'none'}, slaves ${roles.slaves.join(', ') || 'none'})` : ''),
      );
    return node;
  }

  private async controllerLeaderNode(target: string): Promise<string> {
    const controllers = this.o.endpoints.controllers ?? [];
    if (controllers.length === 0) throw new HarnessError('fault-target', `${target}: this cluster has no controllers`);
    const leader = await controllerLeader(controllers.map((c) => c.addr));
    const node = controllers.find((c) => c.addr === leader)?.node;
    if (!node)
      throw new HarnessError(
        'fault-target',
        `${target}: no controller leads now${leader ? ` (leader ${leader} is none of ours)` : ''}`,
      );
    return node;
  }

  /** One poll; a failed one keeps the last view (the name servers may be the fault). */
  private async refresh(): Promise<void> {
    let info;
    try {
      info = await this.admin.clusterInfo();
    } catch {
      return;
    }
    const at = Date.now();
    const names = new Set([...Object.keys(info.brokerAddrTable), ...this.current.keys()]);
    for (const brokerName of names) {
      const addrs = info.brokerAddrTable[brokerName]?.brokerAddrs ?? {};
      const ids = Object.keys(addrs)
        .map(Number)
        .sort((a, b) => a - b);
      const nodeOf = (id: number) => this.nodeByAddr.get(addrs[String(id)] ?? '') ?? addrs[String(id)] ?? null;
      const next: BrokerRoles = {
        master: ids.includes(0) ? nodeOf(0) : null,
        slaves: ids.filter((id) => id !== 0).flatMap((id) => nodeOf(id) ?? []),
      };
      const before = this.current.get(brokerName);
      this.current.set(brokerName, next);
      if (!before || before.master !== next.master) this.o.onChange({ atMs: at, brokerName, master: next.master });
    }
  }
}
